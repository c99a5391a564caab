import BallastCore
import BallastRedis
import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle

/// Moves committed outbox rows to their Redis streams and marks them sent.
///
/// Each batch is claimed with `FOR UPDATE SKIP LOCKED` and marked sent in one statement, published with
/// pipelined `XADD`s, and committed only if Redis took them all; several relays share the work without
/// sending a row twice. If Redis is down the transaction rolls back and the rows wait. A crash between `XADD` and `COMMIT` can send a
/// row again, which consumers absorb by its envelope id.
public final class OutboxRelay: Service, Sendable {
    public struct Configuration: Sendable {
        public var batchSize = 5_000
        /// How long to wait before looking again when the outbox was empty.
        public var pollInterval: Duration = .milliseconds(100)

        public init() {}
    }

    public static let healthComponent = "outbox relay"
    /// The name its failures are counted under in `WorkerAlarms`.
    public static let alarmName = "outbox relay"

    private let database: PostgresClient
    private let producer: StreamProducer
    private let configuration: Configuration
    private let health: HealthRegistry?
    private let wakeup: Wakeup?
    private let alarms: WorkerAlarms?
    private let logger: Logger
    private let relayed = Counter(label: "ballast_outbox_relayed_total")

    public init(
        database: PostgresClient,
        producer: StreamProducer,
        configuration: Configuration = Configuration(),
        health: HealthRegistry? = nil,
        wakeup: Wakeup? = nil,
        alarms: WorkerAlarms? = nil,
        logger: Logger
    ) {
        self.wakeup = wakeup
        self.alarms = alarms
        self.database = database
        self.producer = producer
        self.configuration = configuration
        self.health = health
        self.logger = logger
        health?.register(Self.healthComponent)
    }

    public func run() async throws {
        var backoff = Backoff()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                // Cancelled on shutdown: an interrupted batch rolls back and its rows stay queued.
                let count = try await cancelWhenGracefulShutdown { try await self.relayPending() }
                health?.set(Self.healthComponent, healthy: true)
                alarms?.succeeded(Self.alarmName)
                backoff.reset()
                if count < configuration.batchSize {
                    let pause = configuration.pollInterval
                    if let wakeup {
                        // This process's writers wake the relay after their commits; others are found by polling.
                        try await cancelWhenGracefulShutdown { await wakeup.wait(upTo: pause) }
                    } else {
                        try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
                    }
                }
            } catch  where error is CancellationError || Task.isShuttingDownGracefully {
                break
            } catch {
                health?.set(Self.healthComponent, healthy: false)
                alarms?.failed(Self.alarmName, error: error)
                logger.warning("outbox relay failed; rows stay queued", metadata: ["error": .error(error)])
                do { try await backoff.wait() } catch { break }
            }
        }
    }

    /// Relays one batch of unsent rows and returns how many were sent.
    @discardableResult
    public func relayPending() async throws -> Int {
        let batchSize = configuration.batchSize
        let producer = self.producer
        let logger = self.logger
        let count = try await database.withTransaction(logger: logger) { connection in
            // Claim and mark in one statement (`claim_outbox`, migration 13); the XADDs below decide whether
            // the mark commits.
            let rows = try await connection.query(
                "SELECT id, message_id, stream, type, version, occurred_at, data, trace FROM claim_outbox(\(batchSize))",
                logger: logger
            )
            var rowsByID: [(id: Int64, stream: String, fields: [(String, String)])] = []
            for try await (id, messageID, stream, type, version, occurredAt, data, trace) in rows.decode(
                (Int64, String, String, String, Int, Date, String, String?).self
            ) {
                let envelope = Envelope(
                    id: messageID, type: type, version: version, timestamp: occurredAt, data: data, trace: trace
                )
                rowsByID.append((id, stream, envelope.fields))
            }
            guard !rowsByID.isEmpty else { return 0 }
            // RETURNING has no order; publish in outbox order.
            rowsByID.sort { $0.id < $1.id }
            try await producer.publish(fields: rowsByID.map { ($0.stream, $0.fields) })
            return rowsByID.count
        }
        relayed.increment(by: count)
        return count
    }
}
