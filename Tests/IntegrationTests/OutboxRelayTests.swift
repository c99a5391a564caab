import BallastCore
import BallastPostgres
import BallastRedis
import Foundation
import PostgresNIO
import Testing

@Suite("Transactional outbox", .serialized)
struct OutboxRelayTests {
    @Test("rows committed with the effect reach the stream; rolled-back ones never do")
    func commitAndRollback() async throws {
        let redis = RedisClient(endpoint: try TestServers.redis)
        let stream = TestServers.unique("ballast:test")
        try await TestDatabase.with { database, _ in
            let kept = Envelope(type: "test.kept", data: #"{"ok":true}"#)
            let dropped = Envelope(type: "test.dropped", data: "{}")
            try await database.withTransaction(logger: TestServers.logger) { connection in
                try await Outbox.enqueue(kept, to: stream, on: connection, logger: TestServers.logger)
            }
            await #expect(throws: (any Error).self) {
                try await database.withTransaction(logger: TestServers.logger) { connection in
                    try await Outbox.enqueue(dropped, to: stream, on: connection, logger: TestServers.logger)
                    throw TestSetupError("the effect failed")
                }
            }
            let relay = OutboxRelay(database: database, producer: StreamProducer(client: redis), logger: TestServers.logger)
            #expect(try await relay.relayPending() == 1)
            #expect(try await relay.relayPending() == 0)
            let entries = try await redis.entries(of: stream)
            #expect(entries.count == 1)
            #expect(entries.first?["id"] == kept.id)
            #expect(entries.first?["data"] == #"{"ok":true}"#)
            #expect(try await database.count("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0)
        }
    }

    @Test("with Redis down rows wait; two relays then deliver each row once")
    func redisDownThenTwoRelays() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        await server.stop()
        let redis = RedisClient(endpoint: server.endpoint, commandTimeout: .seconds(2))
        let stream = "ballast:test"
        try await TestDatabase.with { database, _ in
            let envelopes = testEnvelopes(2_000)
            for batch in envelopes.chunked(by: 200) {
                try await database.withTransaction(logger: TestServers.logger) { connection in
                    for envelope in batch {
                        try await Outbox.enqueue(envelope, to: stream, on: connection, logger: TestServers.logger)
                    }
                }
            }
            var configuration = OutboxRelay.Configuration()
            configuration.batchSize = 100
            configuration.pollInterval = .milliseconds(20)
            let relays = (0..<2).map { _ in
                OutboxRelay(
                    database: database,
                    producer: StreamProducer(client: redis),
                    configuration: configuration,
                    logger: TestServers.logger
                )
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for relay in relays { group.addTask { try await relay.run() } }
                defer { group.cancelAll() }
                try await Task.sleep(for: .milliseconds(600))
                #expect(try await database.count("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 2_000)
                try await server.start()
                #expect(
                    await eventually(timeout: .seconds(30)) {
                        try await database.count("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0
                    }
                )
            }
            let entries = try await redis.entries(of: stream)
            #expect(entries.count == 2_000)
            #expect(Set(entries.compactMap { $0["id"] }) == Set(envelopes.map(\.id)))
        }
        await server.stop()
    }
}
