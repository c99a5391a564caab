import BallastCore
import BallastPostgres
import BallastRedis
import Foundation
import PostgresNIO
import Testing

@Suite("At-least-once delivery, exactly-once effects")
struct CrashRecoveryTests {
    let redis: RedisClient

    init() throws {
        redis = RedisClient(endpoint: try TestServers.redis)
    }

    @Test("a consumer that dies before XACK: another one reclaims its entries and each effect happens once")
    func crashBeforeAcknowledgement() async throws {
        try await TestDatabase.with { database, _ in
            try await database.query("CREATE TABLE effects (message_id text NOT NULL, n integer NOT NULL)")
            let stream = TestServers.unique("ballast:test")
            let envelopes = testEnvelopes(10)
            try await StreamProducer(client: redis).publish(envelopes.map { (stream, $0) })
            let idempotent = IdempotentConsumer(database: database, consumer: "tests", logger: TestServers.logger)
            let effect: IdempotentConsumer.Effect = { connection, message in
                try await connection.query(
                    "INSERT INTO effects (message_id, n) VALUES (\(message.envelope.id), \(message.deliveryCount))",
                    logger: TestServers.logger
                )
            }

            // Consumer "doomed" reads all ten, commits the effects of the first four, and dies before XACK.
            try await ConsumerGroups.create(stream: stream, group: "tests", client: redis)
            let read = try await redis.send(
                "XREADGROUP", "GROUP", "tests", "doomed", "COUNT", "10", "STREAMS", stream, ">"
            )
            #expect(read.array?.first?.array?[1].array?.count == 10)
            for envelope in envelopes.prefix(4) {
                let message = StreamMessage(stream: stream, entryID: "", envelope: envelope, deliveryCount: 1)
                #expect(try await idempotent.process(message, effect: effect) == .applied)
            }
            #expect(try await redis.pendingCount(stream: stream, group: "tests") == 10)

            // A survivor with the same handler reclaims the entries once they are idle past the timeout.
            let survivor = StreamConsumer(
                configuration: testConsumerConfiguration(stream: stream, consumer: "survivor"),
                client: redis,
                handler: idempotent.handler(effect),
                logger: TestServers.logger
            )
            try await whileRunning([survivor]) {
                #expect(await eventually { try await redis.pendingCount(stream: stream, group: "tests") == 0 })
            }
            #expect(try await database.count("SELECT count(*) FROM effects") == 10)
            #expect(try await database.count("SELECT count(DISTINCT message_id) FROM effects") == 10)
            // The six never processed were delivered a second time, to the survivor.
            #expect(try await database.count("SELECT count(*) FROM effects WHERE n = 2") == 6)
        }
    }

    @Test("replaying a whole stream changes nothing")
    func replayIsHarmless() async throws {
        try await TestDatabase.with { database, _ in
            try await database.query("CREATE TABLE effects (message_id text NOT NULL)")
            let idempotent = IdempotentConsumer(database: database, consumer: "tests", logger: TestServers.logger)
            let messages = testEnvelopes(50).map { StreamMessage(stream: "s", entryID: "", envelope: $0, deliveryCount: 1) }
            let effect: IdempotentConsumer.Effect = { connection, message in
                try await connection.query(
                    "INSERT INTO effects (message_id) VALUES (\(message.envelope.id))",
                    logger: TestServers.logger
                )
            }
            for _ in 0..<3 {
                let results = await idempotent.processBatch(messages + messages.prefix(5), effect: effect)
                #expect(results.allSatisfy { (try? $0.get()) != nil })
            }
            #expect(try await database.count("SELECT count(*) FROM effects") == 50)
            #expect(try await idempotent.process(messages[0], effect: effect) == .duplicate)
        }
    }

    @Test("an effect whose statement failed unobserved is rolled back, not acknowledged")
    func unobservedFailureIsCaught() async throws {
        try await TestDatabase.with { database, _ in
            let idempotent = IdempotentConsumer(database: database, consumer: "tests", logger: TestServers.logger)
            let message = StreamMessage(stream: "s", entryID: "", envelope: testEnvelopes(1)[0], deliveryCount: 1)
            let outcome = try? await idempotent.process(message) { connection, _ in
                // The EventLoopFuture API: fired, never awaited; its error aborts the transaction.
                _ = connection.query("INSERT INTO no_such_table VALUES (1)")
            }
            let recorded = try await database.count("SELECT count(*) FROM processed_messages")
            #expect(outcome == nil)
            #expect(recorded == 0)
        }
    }

    @Test("one failing message in a batch does not hold back the others")
    func batchFailureIsIsolated() async throws {
        try await TestDatabase.with { database, _ in
            try await database.query("CREATE TABLE effects (message_id text NOT NULL)")
            let idempotent = IdempotentConsumer(database: database, consumer: "tests", logger: TestServers.logger)
            let envelopes = testEnvelopes(5)
            let messages = envelopes.map { StreamMessage(stream: "s", entryID: "", envelope: $0, deliveryCount: 1) }
            let badID = envelopes[2].id
            let results = await idempotent.processBatch(messages) { connection, message in
                if message.envelope.id == badID { throw TestSetupError("bad") }
                try await connection.query(
                    "INSERT INTO effects (message_id) VALUES (\(message.envelope.id))",
                    logger: TestServers.logger
                )
            }
            #expect(results.map { (try? $0.get()) != nil } == [true, true, false, true, true])
            #expect(try await database.count("SELECT count(*) FROM effects") == 4)
            // The failed one is not recorded as processed, so its retry can still apply it.
            #expect(try await database.count("SELECT count(*) FROM processed_messages WHERE message_id = \(badID)") == 0)
        }
    }
}
