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
    /// An effect for many messages at once (one multi-row statement instead of one per message).
    public typealias BatchEffect = @Sendable (PostgresConnection, [StreamMessage]) async throws -> Void

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
        let applied = try await processTogether([message]) { connection, fresh in
            for message in fresh { try await effect(connection, message) }
        }
        return applied == 0 ? .duplicate : .applied
    }

    /// Processes a batch in one transaction (one commit for many messages). If the batch fails, each
    /// message is retried in its own transaction so one bad message cannot hold back the others.
    public func processBatch(_ messages: [StreamMessage], effect: @escaping Effect) async -> [Result<Void, any Error>] {
        await processBatch(messages) { connection, fresh in
            for message in fresh { try await effect(connection, message) }
        }
    }

    /// As `processBatch(_:effect:)`, with one call of `effect` for all messages not processed before.
    public func processBatch(_ messages: [StreamMessage], batchEffect effect: @escaping BatchEffect) async -> [Result<Void, any Error>] {
        if messages.count > 1 {
            do {
                try await processTogether(messages, effect: effect)
                return messages.map { _ in .success(()) }
            } catch {
                logger.debug("batch failed; processing messages one by one", metadata: ["error": .error(error)])
            }
        }
        return await messages.asyncMap { message in await Result { _ = try await processTogether([message], effect: effect) } }
    }

    /// A stream handler that runs `effect` exactly once per message id, batch by batch.
    public func handler(_ effect: @escaping Effect) -> some StreamMessageHandler {
        IdempotentBatchHandler { messages in await processBatch(messages, effect: effect) }
    }

    /// A stream handler that runs `effect` once per batch, for the messages not processed before.
    public func handler(batch effect: @escaping BatchEffect) -> some StreamMessageHandler {
        IdempotentBatchHandler { messages in await processBatch(messages, batchEffect: effect) }
    }

    /// Records the ids and applies `effect` to the new ones, in one transaction; returns how many were new.
    @discardableResult
    private func processTogether(_ messages: [StreamMessage], effect: BatchEffect) async throws -> Int {
        let consumer = self.consumer
        let logger = self.logger
        let ids = messages.map(\.envelope.id)
        return try await database.withTransaction(logger: logger) { connection in
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
            let firstSightings = messages.filter { fresh.remove($0.envelope.id) != nil }
            guard !firstSightings.isEmpty else { return 0 }
            try await effect(connection, firstSightings)
            try await connection.ensureTransactionIsHealthy(logger: logger)
            return firstSightings.count
        }
    }
}

private struct IdempotentBatchHandler: StreamMessageHandler {
    let body: @Sendable ([StreamMessage]) async -> [Result<Void, any Error>]

    func handle(_ messages: [StreamMessage]) async -> [Result<Void, any Error>] {
        await body(messages)
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
