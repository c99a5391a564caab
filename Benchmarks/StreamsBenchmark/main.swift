import BallastCore
import BallastPostgres
import BallastRedis
import Foundation
import Logging
import PostgresNIO
import Synchronization

// Measures the messaging layer against a real Redis and PostgreSQL (started by scripts/bench/streams).
// Prints one `name value unit` line per figure, so the script can compute ratios and fill the table.

let environment = ProcessInfo.processInfo.environment
let redisEndpoint = try RedisEndpoint(url: environment["BENCH_REDIS_URL"] ?? "redis://127.0.0.1:27379", variable: "BENCH_REDIS_URL")
let postgresEndpoint = try PostgresEndpoint(
    url: environment["BENCH_DATABASE_URL"] ?? "postgres://ballast_bench:ballast_bench@127.0.0.1:27432/ballast_bench",
    variable: "BENCH_DATABASE_URL"
)
let streamMessages = Int(environment["BENCH_STREAM_MESSAGES"] ?? "") ?? 500_000
let databaseMessages = Int(environment["BENCH_DATABASE_MESSAGES"] ?? "") ?? 100_000

var logger = Logger(label: "bench")
logger.logLevel = .error

func report(_ name: String, count: Int, elapsed: Duration) {
    let seconds = elapsed.inSeconds
    print("\(name) \(Int(Double(count) / seconds)) per_second (\(count) in \(String(format: "%.2f", seconds)) s)")
}

/// Waits until `done()` holds, polling every 5 ms.
func waitUntil(_ done: @Sendable () -> Bool) async throws {
    while !done() { try await Task.sleep(for: .milliseconds(5)) }
}

/// Counts handled messages without allocating per message.
final class Tally: Sendable {
    private let value = Mutex<Int>(0)
    func add(_ count: Int) { value.withLock { $0 += count } }
    var count: Int { value.withLock { $0 } }
}

struct CountingHandler: StreamMessageHandler {
    let tally: Tally
    func handle(_ messages: [StreamMessage]) async -> [Result<Void, any Error>] {
        tally.add(messages.count)
        return Array(repeating: .success(()), count: messages.count)
    }
}

let redis = RedisClient(endpoint: redisEndpoint, poolSize: 4, commandTimeout: .seconds(30))
let producer = StreamProducer(client: redis, maxLength: 10_000_000)
let runID = UUID().uuidString.prefix(8)

// 1. Pipelined XADD: 4 tasks, batches of 1,000 envelopes of the size ingest will publish.
let payload = #"{"action":"buy","price":"97000.5","quantity":"0.25","source":"tradingview","symbol":"BTC-USD"}"#
let stream = "bench:\(runID):producer"
let envelopes = (0..<streamMessages).map { _ in Envelope(type: "signal.received", data: payload) }
let producerStart = ContinuousClock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    let slices = 4
    for slice in 0..<slices {
        group.addTask {
            var index = slice * 1_000
            while index < envelopes.count {
                let batch = envelopes[index..<min(index + 1_000, envelopes.count)].map { (stream, $0) }
                try await producer.publish(batch)
                index += slices * 1_000
            }
        }
    }
    try await group.waitForAll()
}
report("producer_xadd", count: streamMessages, elapsed: ContinuousClock.now - producerStart)

// 2. Consumer group read + XACK through StreamConsumer, two consumers in one group.
let tally = Tally()
let readStart = ContinuousClock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    for name in ["a", "b"] {
        var configuration = StreamConsumerConfiguration(stream: stream, group: "bench", consumer: name)
        configuration.batchSize = 1_000
        configuration.block = .milliseconds(100)
        let consumer = StreamConsumer(configuration: configuration, client: redis, handler: CountingHandler(tally: tally), logger: logger)
        group.addTask { try await consumer.run() }
    }
    try await waitUntil { tally.count >= streamMessages }
    group.cancelAll()
}
report("consumer_read_ack", count: streamMessages, elapsed: ContinuousClock.now - readStart)
let pending = try await redis.send("XPENDING", stream, "bench").array?.first?.integer ?? -1
print("consumer_pending_after \(pending) entries")
try await redis.send("DEL", stream)

let database = Database.makeClient(postgresEndpoint, maxConnections: 8, logger: logger)
try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { await database.run() }
    defer { group.cancelAll() }
    try await Migrator(client: database, logger: logger).migrate()
    try await database.query("DROP TABLE IF EXISTS bench_effects", logger: logger)
    try await database.query("CREATE TABLE bench_effects (message_id text PRIMARY KEY, data text NOT NULL)", logger: logger)

    // 3. Idempotent consume: one effect row + one processed_messages row per message, one transaction and one
    //    multi-row effect statement per batch.
    let consumeStream = "bench:\(runID):consume"
    try await producer.publish(envelopes.prefix(databaseMessages).map { (consumeStream, $0) })
    let idempotent = IdempotentConsumer(database: database, consumer: "bench-\(runID)", logger: logger)
    let consumed = Tally()
    let handler = idempotent.handler(batch: { connection, messages in
        let ids = messages.map(\.envelope.id)
        let data = messages.map(\.envelope.data)
        try await connection.query(
            "INSERT INTO bench_effects (message_id, data) SELECT * FROM unnest(\(ids)::text[], \(data)::text[])",
            logger: logger
        )
        consumed.add(messages.count)
    })
    let consumeStart = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { consumers in
        for name in ["a", "b", "c", "d"] {
            var configuration = StreamConsumerConfiguration(stream: consumeStream, group: "bench", consumer: name)
            configuration.batchSize = 500
            configuration.block = .milliseconds(100)
            let consumer = StreamConsumer(configuration: configuration, client: redis, handler: handler, logger: logger)
            consumers.addTask { try await consumer.run() }
        }
        try await waitUntil { consumed.count >= databaseMessages }
        consumers.cancelAll()
    }
    report("idempotent_consume_postgres", count: databaseMessages, elapsed: ContinuousClock.now - consumeStart)
    try await redis.send("DEL", consumeStream)

    // 4. Outbox relay: rows inserted beforehand, then relayed to Redis and marked sent.
    try await database.query("TRUNCATE outbox", logger: logger)
    let outboxStream = "bench:\(runID):outbox"
    for chunkStart in stride(from: 0, to: databaseMessages, by: 10_000) {
        let chunk = envelopes[chunkStart..<min(chunkStart + 10_000, databaseMessages)]
        let ids = chunk.map(\.id)
        try await database.query(
            """
            INSERT INTO outbox (message_id, stream, type, version, occurred_at, data)
            SELECT unnest(\(ids)::text[]), \(outboxStream), 'signal.received', 1, now(), \(payload)
            """,
            logger: logger
        )
    }
    var relayConfiguration = OutboxRelay.Configuration()
    relayConfiguration.batchSize = Int(environment["BENCH_RELAY_BATCH"] ?? "") ?? 5_000
    let relay = OutboxRelay(database: database, producer: producer, configuration: relayConfiguration, logger: logger)
    let relayStart = ContinuousClock.now
    var relayed = 0
    while true {
        let count = try await relay.relayPending()
        if count == 0 { break }
        relayed += count
    }
    report("outbox_relay", count: relayed, elapsed: ContinuousClock.now - relayStart)
    let streamLength = try await redis.send("XLEN", outboxStream).integer ?? -1
    print("outbox_stream_length \(streamLength) entries")
    try await redis.send("DEL", outboxStream)
}
