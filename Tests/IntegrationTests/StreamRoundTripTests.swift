import BallastCore
import BallastRedis
import Foundation
import Testing

@Suite("Streams against a real Redis")
struct StreamRoundTripTests {
    let redis: RedisClient

    init() throws {
        redis = RedisClient(endpoint: try TestServers.redis)
    }

    @Test("published envelopes arrive once each, in readable fields, and are acknowledged")
    func roundTrip() async throws {
        let stream = TestServers.unique("ballast:test")
        let envelopes = testEnvelopes(250)
        try await StreamProducer(client: redis).publish(envelopes.map { (stream, $0) })

        let fields = try await redis.entries(of: stream)
        #expect(fields.count == 250)
        #expect(fields.first?["type"] == "test.ping")
        #expect(fields.first?["data"] == #"{"n":0}"#)
        #expect(fields.first?["v"] == "1")
        #expect(fields.first.flatMap { $0["ts"] }.flatMap(RFC3339.date(from:)) != nil)

        let received = Recorder<Envelope>()
        let consumer = StreamConsumer(
            configuration: testConsumerConfiguration(stream: stream, consumer: "c1"),
            client: redis,
            handler: ConcurrentMessageHandler(maxConcurrency: 8) { received.append($0.envelope) },
            logger: TestServers.logger
        )
        try await whileRunning([consumer]) {
            // Generous: at the suite's start hundreds of tests share the two cores; the count is the point, not the pace.
            #expect(await eventually(timeout: .seconds(60)) { received.count >= 250 })
            #expect(await eventually { try await redis.pendingCount(stream: stream, group: "tests") == 0 })
        }
        #expect(Set(received.all.map(\.id)) == Set(envelopes.map(\.id)))
        #expect(received.count == 250)
        #expect(Set(received.all.map(\.data)) == Set(envelopes.map(\.data)))
    }

    @Test("two consumers of one group share the entries without overlap")
    func groupSharesWork() async throws {
        let stream = TestServers.unique("ballast:test")
        let envelopes = testEnvelopes(400)
        try await StreamProducer(client: redis).publish(envelopes.map { (stream, $0) })
        let seen = Recorder<(String, String)>()
        let consumers = ["a", "b"].map { name in
            var configuration = testConsumerConfiguration(stream: stream, consumer: name)
            // No reclaims here: on a loaded test machine a 300 ms timeout would hand entries over twice.
            configuration.processingTimeout = .seconds(60)
            return StreamConsumer(
                configuration: configuration,
                client: redis,
                handler: ConcurrentMessageHandler { message in
                    try await Task.sleep(for: .milliseconds(1))
                    seen.append((name, message.envelope.id))
                },
                logger: TestServers.logger
            )
        }
        try await whileRunning(consumers) {
            #expect(await eventually(timeout: .seconds(60)) { seen.count >= 400 })
        }
        #expect(seen.count == 400)
        #expect(Set(seen.all.map(\.1)).count == 400)
    }

    @Test("an entry that is not a valid envelope is dead-lettered with the reason, and the rest flows")
    func invalidEnvelopeIsDeadLettered() async throws {
        let stream = TestServers.unique("ballast:test")
        try await redis.send("XADD", stream, "*", "type", "no.id", "data", "{}")
        try await StreamProducer(client: redis).publish(testEnvelopes(3).map { (stream, $0) })
        let received = Recorder<String>()
        let consumer = StreamConsumer(
            configuration: testConsumerConfiguration(stream: stream, consumer: "c1"),
            client: redis,
            handler: ConcurrentMessageHandler { received.append($0.envelope.id) },
            logger: TestServers.logger
        )
        let deadLetters = StreamName.deadLetter(of: stream)
        try await whileRunning([consumer]) {
            #expect(await eventually { try await redis.length(of: deadLetters) == 1 && received.count == 3 })
            #expect(await eventually { try await redis.pendingCount(stream: stream, group: "tests") == 0 })
        }
        let letter = try #require(try await redis.entries(of: deadLetters).first)
        #expect(letter["error"] == "invalid envelope: field 'id' is missing")
        #expect(letter["type"] == "no.id")
        #expect(letter["deliveries"] == "1")
        #expect(letter["group"] == "tests")
    }

    @Test("a message that keeps failing lands in :dlq after maxDeliveries, with its error")
    func poisonMessageIsDeadLettered() async throws {
        let stream = TestServers.unique("ballast:test")
        let poison = Envelope(type: "test.poison", data: #"{"bad":true}"#)
        let good = testEnvelopes(5)
        try await StreamProducer(client: redis).publish(([poison] + good).map { (stream, $0) })
        let attempts = Recorder<Int>()
        let processed = Recorder<String>()
        var configuration = testConsumerConfiguration(stream: stream, consumer: "c1")
        configuration.maxDeliveries = 3
        let consumer = StreamConsumer(
            configuration: configuration,
            client: redis,
            handler: ConcurrentMessageHandler { message in
                if message.envelope.type == "test.poison" {
                    attempts.append(message.deliveryCount)
                    throw TestSetupError("cannot digest this")
                }
                processed.append(message.envelope.id)
            },
            logger: TestServers.logger
        )
        let deadLetters = StreamName.deadLetter(of: stream)
        try await whileRunning([consumer]) {
            #expect(await eventually { try await redis.length(of: deadLetters) == 1 })
            #expect(await eventually { try await redis.pendingCount(stream: stream, group: "tests") == 0 })
        }
        #expect(attempts.all == [1, 2, 3])
        #expect(processed.count == 5)
        let letter = try #require(try await redis.entries(of: deadLetters).first)
        #expect(letter["id"] == poison.id)
        #expect(letter["error"] == "cannot digest this")
        #expect(letter["deliveries"] == "3")
    }
}
