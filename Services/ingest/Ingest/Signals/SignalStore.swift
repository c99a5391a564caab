import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// What ingest stores about signals: each accepted once, with its outbox messages in the same transaction, then
/// listed for its user.
public struct SignalStore: Sendable {
    public let database: PostgresClient
    public let logger: Logger
    private let batcher: AcceptBatcher
    private let outboxWakeup: Wakeup?

    public init(database: PostgresClient, outboxWakeup: Wakeup? = nil, logger: Logger) {
        self.database = database
        self.logger = logger
        self.outboxWakeup = outboxWakeup
        batcher = AcceptBatcher(database: database, logger: logger)
    }

    /// Stores the signal unless it duplicates one from the same source: the same client id, or without one the
    /// same fingerprint within `window` (`AcceptOutcome`). A new signal is routed as the source says (`StrategyRouter`);
    /// the routing returned is the new signal's, or the stored one's for a duplicate.
    ///
    /// Duplicate checks, the signal row and its two outbox rows commit together, batched with concurrent
    /// accepts (`AcceptBatcher`, `AcceptStatement`). `receivedAt` is this process's clock, which the
    /// duplicate window uses too.
    public func accept(
        _ signal: SignalInput, raw: JSONValue, from source: SignalSource, window: Duration
    ) async throws
        -> (outcome: AcceptOutcome, routing: SignalRouting?)
    {
        var document = SignalDocument(id: UUID.random(), source: source, signal: signal, receivedAt: Date())
        document.routing = source.routing(signal: document.id, strategy: document.strategy, symbol: document.symbol)
        let row = AcceptRow(
            document: document,
            fingerprint: document.fingerprint,
            raw: raw,
            window: window,
            signalMessageID: UUID.random().uuidString.lowercased(),
            eventMessageID: UUID.random().uuidString.lowercased()
        )
        let outcome = try await batcher.accept(row)
        outboxWakeup?.wake()
        switch outcome {
        case .accepted: return (outcome, document.routing)
        case .duplicate(let id): return (outcome, try await routing(of: id))
        }
    }

    /// The routing stored with signal `id`.
    func routing(of id: UUID) async throws -> SignalRouting? {
        let rows = try await database.query("SELECT routing::text FROM signals WHERE id = \(id)", logger: logger)
        for try await text in rows.decode(String?.self) {
            return try text.map { try JSONCoding.decoder.decode(SignalRouting.self, from: Data($0.utf8)) }
        }
        return nil
    }

    /// The caller's signals matching `query`, newest first, at most `query.limit`.
    public func signals(of user: UUID, matching query: SignalQuery) async throws -> [SignalDocument] {
        try await documents(
            database.query(
                """
                SELECT \(unescaped: Self.documentColumns) FROM signals
                WHERE user_id = \(user)
                  AND (\(query.sourceID)::uuid IS NULL OR source_id = \(query.sourceID))
                  AND (\(query.symbol)::text IS NULL OR symbol = \(query.symbol))
                  AND (\(query.from)::timestamptz IS NULL OR received_at >= \(query.from))
                  AND (\(query.to)::timestamptz IS NULL OR received_at < \(query.to))
                  AND (\(query.after?.date)::timestamptz IS NULL
                       OR (received_at, id) < (\(query.after?.date), \(query.after?.id)))
                ORDER BY received_at DESC, id DESC
                LIMIT \(query.limit)
                """,
                logger: logger
            )
        )
    }

    public func signal(_ id: UUID, of user: UUID) async throws -> SignalDocument? {
        try await documents(
            database.query(
                "SELECT \(unescaped: Self.documentColumns) FROM signals WHERE id = \(id) AND user_id = \(user)",
                logger: logger
            )
        ).first
    }

    static let documentColumns = """
        id, source_id, user_id, client_id, exchange, symbol, action, direction, quantity::text, price::text, order_type,
        stop_loss::text, take_profit::text, timeframe, strike::text, expiration, strategy, comment, signal_time, received_at,
        time_in_force, expires_at, trailing_stop_percent::text, sentiment, stop_loss_percent::text, stop_loss_amount::text,
        take_profit_percent::text, take_profit_amount::text, notional::text, strikes_away::text, intrinsic_value,
        volatility::text
        """

    private func documents(_ rows: PostgresRowSequence) async throws -> [SignalDocument] {
        var documents: [SignalDocument] = []
        for try await row in rows.decode(
            (
                UUID, UUID, UUID, String?, String?, String, String, String?, String?, String?, String, String?, String?,
                String?, String?, String?, String?, String?, Date?, Date, String?, Date?, String?, String?, String?, String?,
                String?, String?, String?, String?, String?, String?
            ).self
        ) {
            documents.append(
                SignalDocument(
                    id: row.0, sourceID: row.1, userID: row.2, clientID: row.3, exchange: row.4, symbol: row.5,
                    action: row.6, direction: row.7, quantity: row.8, price: row.9, orderType: row.10, stopLoss: row.11,
                    takeProfit: row.12, timeframe: row.13, strike: row.14, expiration: row.15, strategy: row.16,
                    comment: row.17, timestamp: row.18, receivedAt: row.19, timeInForce: row.20, expiresAt: row.21,
                    trailingStopPercent: row.22, sentiment: row.23, stopLossPercent: row.24, stopLossAmount: row.25,
                    takeProfitPercent: row.26, takeProfitAmount: row.27, notional: row.28, strikesAway: row.29, intrinsicValue: row.30,
                    volatility: row.31
                )
            )
        }
        return documents
    }
}
