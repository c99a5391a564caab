import BallastCore
import BallastRedis
import Foundation
import Testing

@Suite("Reclaiming abandoned stream entries")
struct StreamReclaimTests {
    let redis: RedisClient

    init() throws {
        redis = RedisClient(endpoint: try TestServers.redis)
    }

    @Test("entries of a dead consumer, around many of this consumer's own pending entries, are handled, not dead-lettered")
    func reclaimAroundOwnPendingEntries() async throws {
        let stream = TestServers.unique("ballast:test")
        let group = "tests"
        let producer = StreamProducer(client: redis)
        try await ConsumerGroups.create(stream: stream, group: group, client: redis)
        let first = testEnvelopes(1)[0]
        let last = testEnvelopes(1)[0]
        // The dead consumer holds the first and the last entry; "X" holds the ten in between.
        let firstID = try await producer.publish(first, to: stream)
        try await readGroup(stream: stream, group: group, consumer: "dead", count: 1)
        try await producer.publish(testEnvelopes(10).map { (stream, $0) })
        try await readGroup(stream: stream, group: group, consumer: "X", count: 10)
        let lastID = try await producer.publish(last, to: stream)
        try await readGroup(stream: stream, group: group, consumer: "dead", count: 1)
        // The dead consumer's entries have waited a minute; X's are fresh (JUSTID keeps the delivery counts).
        try await redis.send("XCLAIM", stream, group, "dead", "0", firstID, lastID, "IDLE", "60000", "JUSTID")

        var configuration = testConsumerConfiguration(stream: stream, consumer: "X", group: group)
        configuration.batchSize = 2
        configuration.processingTimeout = .seconds(30)
        let handled = Recorder<String>()
        let consumer = StreamConsumer(
            configuration: configuration,
            client: redis,
            handler: ConcurrentMessageHandler { handled.append($0.envelope.id) },
            logger: TestServers.logger
        )
        try await whileRunning([consumer]) {
            #expect(await eventually(timeout: .seconds(5)) { Set(handled.all) == [first.id, last.id] })
        }
        #expect(try await redis.length(of: StreamName.deadLetter(of: stream)) == 0)
    }

    private func readGroup(stream: String, group: String, consumer: String, count: Int) async throws {
        try await redis.send("XREADGROUP", "GROUP", group, consumer, "COUNT", String(count), "STREAMS", stream, ">")
    }
}
