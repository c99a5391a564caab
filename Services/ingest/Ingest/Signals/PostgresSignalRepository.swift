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

    public func accept(
        _ signal: SignalInput, raw: JSONValue, from source: SignalSource, window: Duration
    ) async throws
        -> AcceptOutcome
    {
        let logger = self.logger
        let windowSeconds = Double(window.components.seconds)
        return try await database.withTransaction(logger: logger) { connection in
            // Accepts of the same content from one source queue up here, across ingest instances, so the
            // window check below sees every earlier commit.
            let lockKey = "\(source.id.uuidString)|\(signal.fingerprint)"
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(lockKey), 0))", logger: logger)
            if let clientID = signal.clientID,
                let existing = try await Self.firstID(
                    connection.query(
                        "SELECT id FROM signals WHERE source_id = \(source.id) AND client_id = \(clientID)",
                        logger: logger
                    )
                )
            {
                return .duplicate(existing)
            }
            if let recent = try await Self.firstID(
                connection.query(
                    """
                    SELECT id FROM signals
                    WHERE source_id = \(source.id) AND fingerprint = \(signal.fingerprint)
                      AND received_at > now() - make_interval(secs => \(windowSeconds))
                    ORDER BY received_at DESC LIMIT 1
                    """,
                    logger: logger
                )
            ) {
                return .duplicate(recent)
            }
            let id = UUID()
            let inserted = try await Self.firstReceivedAt(
                connection.query(
                    """
                    INSERT INTO signals (
                        id, source_id, user_id, client_id, fingerprint, exchange, symbol, action, direction, quantity,
                        price, order_type, stop_loss, take_profit, timeframe, strike, expiration, strategy, comment,
                        signal_time, raw)
                    VALUES (
                        \(id), \(source.id), \(source.userID), \(signal.clientID), \(signal.fingerprint), \(signal.exchange),
                        \(signal.symbol), \(signal.action.rawValue), \(signal.direction?.rawValue), \(signal.quantity),
                        \(signal.price), \(signal.orderType.rawValue), \(signal.stopLoss), \(signal.takeProfit),
                        \(signal.timeframe), \(signal.strike), \(signal.expiration), \(signal.strategy), \(signal.comment),
                        \(signal.timestamp), \(raw.serialized))
                    ON CONFLICT (source_id, client_id) DO NOTHING
                    RETURNING received_at
                    """,
                    logger: logger
                )
            )
            guard let receivedAt = inserted else {
                // Another instance committed the same client id, with different content, meanwhile.
                let existing = try await Self.firstID(
                    connection.query(
                        "SELECT id FROM signals WHERE source_id = \(source.id) AND client_id = \(signal.clientID)",
                        logger: logger
                    )
                )
                return .duplicate(existing ?? id)
            }
            let document = SignalDocument(id: id, source: source, signal: signal, receivedAt: receivedAt)
            try await Outbox.enqueue(
                Envelope(id: UUID().uuidString.lowercased(), type: "signal.received", payload: document),
                to: StreamName.signals,
                on: connection,
                logger: logger
            )
            let event = EventPayload(event: "signal.received", timestamp: receivedAt, userId: source.userID, data: document)
            try await Outbox.enqueue(
                Envelope(type: "signal.received", payload: event),
                to: StreamName.events,
                on: connection,
                logger: logger
            )
            return .accepted(id)
        }
    }

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

    private static func firstID(_ rows: PostgresRowSequence) async throws -> UUID? {
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids.first
    }

    private static func firstReceivedAt(_ rows: PostgresRowSequence) async throws -> Date? {
        var dates: [Date] = []
        for try await date in rows.decode(Date.self) { dates.append(date) }
        return dates.first
    }
}
