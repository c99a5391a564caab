import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// Signals and sources in PostgreSQL; an accepted signal and its outbox messages commit together.
public struct PostgresSignalRepository: SignalRepository {
    public let database: PostgresClient
    public let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public func source(id: UUID) async throws -> SignalSource? {
        try await firstSource(
            database.query("SELECT id, user_id, name, secret, is_default FROM signal_sources WHERE id = \(id)", logger: logger)
        )
    }

    public func defaultSource() async throws -> SignalSource? {
        try await firstSource(
            database.query("SELECT id, user_id, name, secret, is_default FROM signal_sources WHERE is_default", logger: logger)
        )
    }

    /// One call of `accept_signal` (migration 3): duplicate checks, the signal row and its two outbox rows,
    /// in one implicit transaction. `receivedAt` is this process's clock, which the duplicate window uses too.
    public func accept(
        _ signal: SignalInput, raw: JSONValue, from source: SignalSource, window: Duration
    ) async throws
        -> AcceptOutcome
    {
        let id = UUID()
        let receivedAt = Date()
        let document = SignalDocument(id: id, source: source, signal: signal, receivedAt: receivedAt)
        let message = try Envelope(type: "signal.received", timestamp: receivedAt, payload: document)
        let event = try Envelope(
            type: "signal.received",
            timestamp: receivedAt,
            payload: EventPayload(event: "signal.received", timestamp: receivedAt, userId: source.userID, data: document)
        )
        let windowSeconds = Double(window.components.seconds)
        let rows = try await database.query(
            """
            SELECT outcome, signal_id FROM accept_signal(
                \(id), \(source.id), \(source.userID), \(signal.clientID), \(signal.fingerprint), \(signal.exchange),
                \(signal.symbol), \(signal.action.rawValue), \(signal.direction?.rawValue), \(signal.quantity), \(signal.price),
                \(signal.orderType.rawValue), \(signal.stopLoss), \(signal.takeProfit), \(signal.timeframe), \(signal.strike),
                \(signal.expiration), \(signal.strategy), \(signal.comment), \(signal.timestamp), \(raw.serialized), \(receivedAt),
                \(windowSeconds), \(message.id), \(message.data), \(event.id), \(event.data))
            """,
            logger: logger
        )
        var outcome: AcceptOutcome?
        for try await (kind, signalID) in rows.decode((String, UUID).self) {
            outcome = kind == "accepted" ? .accepted(signalID) : .duplicate(signalID)
        }
        guard let outcome else { throw AcceptError.noOutcome }
        return outcome
    }

    enum AcceptError: Error { case noOutcome }

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
                  AND (\(query.after?.receivedAt)::timestamptz IS NULL
                       OR (received_at, id) < (\(query.after?.receivedAt), \(query.after?.id)))
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
        stop_loss::text, take_profit::text, timeframe, strike::text, expiration, strategy, comment, signal_time, received_at
        """

    private func documents(_ rows: PostgresRowSequence) async throws -> [SignalDocument] {
        var documents: [SignalDocument] = []
        for try await row in rows.decode(
            (
                UUID, UUID, UUID, String?, String?, String, String, String?, String?, String?, String, String?, String?,
                String?, String?, String?, String?, String?, Date?, Date
            ).self
        ) {
            documents.append(
                SignalDocument(
                    id: row.0, sourceId: row.1, userId: row.2, clientId: row.3, exchange: row.4, symbol: row.5,
                    action: row.6, direction: row.7, quantity: row.8, price: row.9, orderType: row.10, stopLoss: row.11,
                    takeProfit: row.12, timeframe: row.13, strike: row.14, expiration: row.15, strategy: row.16,
                    comment: row.17, timestamp: row.18, receivedAt: row.19
                )
            )
        }
        return documents
    }

    // Rows are read to the end (not abandoned after the first) so the connection is free for the next statement.
    private func firstSource(_ rows: PostgresRowSequence) async throws -> SignalSource? {
        var sources: [SignalSource] = []
        for try await (id, userID, name, secret, isDefault) in rows.decode((UUID, UUID, String, String, Bool).self) {
            sources.append(SignalSource(id: id, userID: userID, name: name, secret: Secret(secret), isDefault: isDefault))
        }
        return sources.first
    }

}
