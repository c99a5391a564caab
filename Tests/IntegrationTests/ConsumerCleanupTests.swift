import BallastCore
import BallastRedis
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// Consumer names (`host-pid`) change with every restart; these tests check that the old ones go away
/// without losing an entry that is still pending.
@Suite("Removing consumers that are gone")
struct ConsumerCleanupTests {
    let redis: RedisClient

    init() throws {
        redis = RedisClient(endpoint: try TestServers.redis)
    }

    @Test("a consumer that stops gracefully with nothing pending leaves its group")
    func gracefulStopLeavesGroup() async throws {
        let stream = TestServers.unique("ballast:test")
        try await StreamProducer(client: redis).publish(testEnvelopes(3).map { (stream, $0) })
        let handled = Recorder<String>()
        let consumer = StreamConsumer(
            configuration: testConsumerConfiguration(stream: stream, consumer: "leaving"),
            client: redis,
            handler: ConcurrentMessageHandler { handled.append($0.envelope.id) },
            logger: TestServers.logger
        )
        try await untilGracefulShutdown(of: consumer) {
            #expect(await eventually(timeout: .seconds(5)) { handled.count == 3 })
            #expect(await eventually(timeout: .seconds(5)) { try await redis.pendingCount(stream: stream, group: "tests") == 0 })
            let whileRunning = try await consumers(of: stream)
            #expect(whileRunning == ["leaving": 0])
        }
        #expect(try await consumers(of: stream) == [:])
    }

    @Test("a consumer that stops gracefully with entries pending stays in its group, so they can be reclaimed")
    func gracefulStopKeepsPendingEntries() async throws {
        let stream = TestServers.unique("ballast:test")
        try await StreamProducer(client: redis).publish(testEnvelopes(2).map { (stream, $0) })
        let attempts = Recorder<String>()
        let consumer = StreamConsumer(
            configuration: testConsumerConfiguration(stream: stream, consumer: "failing"),
            client: redis,
            handler: ConcurrentMessageHandler { message in
                attempts.append(message.envelope.id)
                throw TestSetupError("not now")
            },
            logger: TestServers.logger
        )
        try await untilGracefulShutdown(of: consumer) {
            #expect(await eventually(timeout: .seconds(5)) { attempts.count >= 2 })
        }
        #expect(try await consumers(of: stream)["failing"] == 2)
    }

    @Test("a consumer idle past the limit with nothing pending is removed by another's reclaim; one with pending entries stays")
    func idleConsumersAreRemoved() async throws {
        let stream = TestServers.unique("ballast:test")
        let group = "tests"
        try await ConsumerGroups.create(stream: stream, group: group, client: redis)
        let ids = try await StreamProducer(client: redis).publish(testEnvelopes(2).map { (stream, $0) })
        try await redis.send("XREADGROUP", "GROUP", group, "finished", "COUNT", "1", "STREAMS", stream, ">")
        try await redis.send("XACK", stream, group, ids[0])
        try await redis.send("XREADGROUP", "GROUP", group, "holding", "COUNT", "1", "STREAMS", stream, ">")
        #expect(try await consumers(of: stream) == ["finished": 0, "holding": 1])
        try await Task.sleep(for: .milliseconds(300))

        var configuration = testConsumerConfiguration(stream: stream, consumer: "live", group: group)
        configuration.idleConsumerTimeout = .milliseconds(200)
        // Long enough that the holding consumer keeps its entry during the test.
        configuration.processingTimeout = .seconds(30)
        let handled = Recorder<String>()
        let consumer = StreamConsumer(
            configuration: configuration,
            client: redis,
            handler: ConcurrentMessageHandler { handled.append($0.envelope.id) },
            logger: TestServers.logger
        )
        try await whileRunning([consumer]) {
            // Redis lists a consumer once it has been handed an entry.
            try await StreamProducer(client: redis).publish(testEnvelopes(1)[0], to: stream)
            let expected = ["holding": 1, "live": 0]
            #expect(await eventually(timeout: .seconds(5)) { try await consumers(of: stream) == expected && handled.count == 1 })
            // Later rounds go on sparing the live consumer, idle as it may be.
            try await Task.sleep(for: .milliseconds(500))
            let later = try await consumers(of: stream)
            #expect(later == expected)
        }
    }

    /// Consumers of the `tests` group of `stream`, with their pending counts.
    private func consumers(of stream: String) async throws -> [String: Int] {
        let reply = try await redis.send("XINFO", "CONSUMERS", stream, "tests")
        var consumers: [String: Int] = [:]
        for consumer in reply.array ?? [] {
            let fields = consumer.array ?? []
            var name: String?
            var pending = 0
            for index in stride(from: 0, to: fields.count - 1, by: 2) {
                switch fields[index].string {
                case "name": name = fields[index + 1].string
                case "pending": pending = fields[index + 1].integer ?? 0
                default: break
                }
            }
            if let name { consumers[name] = pending }
        }
        return consumers
    }

    /// Runs `consumer` in a service group while `body` runs, then asks it to stop gracefully, as SIGTERM
    /// does, and waits until it has.
    private func untilGracefulShutdown(of consumer: StreamConsumer, _ body: @Sendable () async throws -> Void) async throws {
        let group = ServiceGroup(services: [consumer], logger: TestServers.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
