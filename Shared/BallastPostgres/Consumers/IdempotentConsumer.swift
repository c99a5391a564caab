import BallastCore
import BallastRedis
import Logging
import PostgresNIO

/// Applies a message's effect at most once per consumer, however often the stream delivers it.
///
/// The envelope id is inserted into `processed_messages` in the same transaction as the effect; a
/// redelivered message finds its id there, skips the effect and is acknowledged like a success.
public struct IdempotentConsumer: Sendable {
    public enum Outcome: Sendable, Equatable {
        case applied
        case duplicate
    }

    public typealias Effect = @Sendable (PostgresConnection, StreamMessage) async throws -> Void

    public let database: PostgresClient
    /// Usually the consumer group (service) name: each service applies a message once.
    public let consumer: String
    public let logger: Logger

    public init(database: PostgresClient, consumer: String, logger: Logger) {
        self.database = database
        self.consumer = consumer
        self.logger = logger
    }

    /// Records the message and runs `effect` in one transaction, unless it was processed before.
    public func process(_ message: StreamMessage, effect: Effect) async throws -> Outcome {
        let consumer = self.consumer
        let logger = self.logger
        return try await database.withTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                INSERT INTO processed_messages (consumer, message_id) VALUES (\(consumer), \(message.envelope.id))
                ON CONFLICT DO NOTHING RETURNING 1
                """,
                logger: logger
            )
            var inserted = false
            for try await _ in rows { inserted = true }
            guard inserted else { return .duplicate }
            try await effect(connection, message)
            try await connection.ensureTransactionIsHealthy(logger: logger)
            return .applied
        }
    }

    /// Processes a batch in one transaction (one commit for many messages). If the batch fails, each
    /// message is retried in its own transaction so one bad message cannot hold back the others.
    public func processBatch(_ messages: [StreamMessage], effect: Effect) async -> [Result<Void, any Error>] {
        guard messages.count > 1 else {
            return await messages.asyncMap { message in await Result { _ = try await process(message, effect: effect) } }
        }
        do {
            try await processTogether(messages, effect: effect)
            return messages.map { _ in .success(()) }
        } catch {
            logger.debug("batch failed; processing messages one by one", metadata: ["error": "\(error)"])
            return await messages.asyncMap { message in await Result { _ = try await process(message, effect: effect) } }
        }
    }

    /// A stream handler that runs `effect` exactly once per message id, batch by batch.
    public func handler(_ effect: @escaping Effect) -> some StreamMessageHandler {
        IdempotentBatchHandler(consumer: self, effect: effect)
    }

    private func processTogether(_ messages: [StreamMessage], effect: Effect) async throws {
        let consumer = self.consumer
        let logger = self.logger
        let ids = messages.map(\.envelope.id)
        try await database.withTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                INSERT INTO processed_messages (consumer, message_id)
                SELECT \(consumer), unnest(\(ids)::text[])
                ON CONFLICT DO NOTHING RETURNING message_id
                """,
                logger: logger
            )
            var fresh: Set<String> = []
            for try await id in rows.decode(String.self) { fresh.insert(id) }
            // The same id twice in one batch (a relay resend) still gets one effect.
            for message in messages where fresh.remove(message.envelope.id) != nil {
                try await effect(connection, message)
            }
            try await connection.ensureTransactionIsHealthy(logger: logger)
        }
    }
}

private struct IdempotentBatchHandler: StreamMessageHandler {
    let consumer: IdempotentConsumer
    let effect: IdempotentConsumer.Effect

    func handle(_ messages: [StreamMessage]) async -> [Result<Void, any Error>] {
        await consumer.processBatch(messages, effect: effect)
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async -> T) async -> [T] {
        var results: [T] = []
        results.reserveCapacity(count)
        for element in self { results.append(await transform(element)) }
        return results
    }
}
