import BallastCore
import BallastRedis
import BallastTestSupport
import Foundation
import Testing

@testable import Ingest

@Suite("WebSocket streams across a Redis restart", .serialized)
struct LiveFeedRedisRestartTests {
    @Test("a restart that keeps the stream resumes without a gap; one that loses it announces a gap, then frames flow again")
    func resumeAndGap() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        try await TestDatabase.with { database, _ in
            let symbol = try await LiveHarness.knownSymbol(in: database)
            let redis = RedisClient(endpoint: server.endpoint, commandTimeout: .seconds(1))
            try await LiveHarness.running(database, redis: server.endpoint) { instance in
                let client = WebSocketTestClient(instance.url("/stream?streams=\(symbol.lowercased())@trade"))
                try await Task.sleep(for: .milliseconds(300))
                try await LiveHarness.publish([("trade", LiveHarness.tradePayload(symbol, id: 1))], symbol: symbol, redis: redis)
                #expect(await client.waitForMessages(1))

                // Restarted with its data (append-only file): what was added before the stop is still read once.
                try await LiveHarness.publish([("trade", LiveHarness.tradePayload(symbol, id: 2))], symbol: symbol, redis: redis)
                await server.stop()
                try await Task.sleep(for: .milliseconds(500))
                try await server.start()
                try await publishUntilAccepted(("trade", LiveHarness.tradePayload(symbol, id: 3)), symbol: symbol, redis: redis)
                #expect(await client.waitForMessages(3))
                #expect(client.messages.count == 3)
                #expect(!client.messages.joined().contains("\"e\":\"gap\""))

                // Restarted empty: the stream is gone, so the subscriber is told, and then gets what comes next.
                await server.stop()
                try server.wipe()
                try await server.start()
                try await Task.sleep(for: .milliseconds(500))
                try await publishUntilAccepted(("trade", LiveHarness.tradePayload(symbol, id: 4)), symbol: symbol, redis: redis)
                #expect(await client.waitForMessages(5))
                let messages = client.messages
                try #require(messages.count >= 5, "\(messages)")
                #expect(messages[3].contains("\"e\":\"gap\"") && messages[3].hasPrefix("{\"stream\":\"\(symbol.lowercased())@trade\""))
                #expect(messages[4].contains("\"t\":4"))
                #expect(!client.ended)
                await client.stop()
            }
        }
        await server.stop()
    }

    @Test("a dropped connection to a Redis that lost nothing: no gap and no replay, even on a stream quiet since the subscription")
    func connectionDropped() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        try await TestDatabase.with { database, _ in
            let symbol = try await LiveHarness.knownSymbol(in: database)
            let redis = RedisClient(endpoint: server.endpoint, commandTimeout: .seconds(1))
            // Entries from well before the subscription (more than its 250 ms margin): never to be sent.
            for id in 1...5 {
                try await LiveHarness.publish([("trade", LiveHarness.tradePayload(symbol, id: id))], symbol: symbol, redis: redis)
            }
            try await Task.sleep(for: .seconds(1))
            try await LiveHarness.running(database, redis: server.endpoint) { instance in
                let client = WebSocketTestClient(instance.url("/ws/\(symbol.lowercased())@trade"))
                try await Task.sleep(for: .milliseconds(500))
                try await redis.send(RedisCommand("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")).checked()
                try await Task.sleep(for: .milliseconds(800))
                try await publishUntilAccepted(("trade", LiveHarness.tradePayload(symbol, id: 6)), symbol: symbol, redis: redis)
                #expect(await client.waitForMessages(1))
                try await Task.sleep(for: .milliseconds(500))
                #expect(client.messages == [LiveHarness.tradePayload(symbol, id: 6)])
                await client.stop()
            }
        }
        await server.stop()
    }

    @Test("SIGTERM: subscribers get what was published, then a 1001 close")
    func gracefulStop() async throws {
        try await TestDatabase.with { database, _ in
            let symbol = try await LiveHarness.knownSymbol(in: database)
            let redis = RedisClient(endpoint: try TestServers.redis)
            try await LiveHarness.running(database) { instance in
                let client = WebSocketTestClient(instance.url("/ws/\(symbol.lowercased())@trade"))
                try await Task.sleep(for: .milliseconds(300))
                try await LiveHarness.publish(
                    (1...50).map { ("trade", LiveHarness.tradePayload(symbol, id: $0)) }, symbol: symbol, redis: redis)
                #expect(await client.waitForMessages(50))
                await instance.stop()
                #expect(await client.waitForEnd())
                #expect(client.close?.code == 1001)
                #expect(client.messages.count == 50)
            }
        }
    }

    private func publishUntilAccepted(_ field: (String, String), symbol: String, redis: RedisClient) async throws {
        var backoff = Backoff(initial: .milliseconds(50), maximum: .milliseconds(400))
        for _ in 0..<40 {
            do {
                try await LiveHarness.publish([field], symbol: symbol, redis: redis)
                return
            } catch {
                try await backoff.wait()
            }
        }
        throw TestSetupError("Redis did not come back")
    }
}
