import AsyncHTTPClient
import BallastCore
import BallastRedis
import BallastTestSupport
import BallastUsers
import Foundation
import NIOHTTP1
import PostgresNIO
import Testing

@testable import Ingest

@Suite("WebSocket user streams")
struct LiveUserStreamTests {
    private struct Users {
        let alice: UUID
        let aliceKey: String
        let bob: UUID
        let bobKey: String
    }

    private static func users(in database: PostgresClient) async throws -> Users {
        let store = UserStore(database: database, logger: TestServers.logger)
        let alice = try await store.createUser(named: "alice")
        let bob = try await store.createUser(named: "bob")
        return Users(
            alice: alice, aliceKey: try await store.createAPIKey(forUser: "alice").key, bob: bob,
            bobKey: try await store.createAPIKey(forUser: "bob").key)
    }

    private static func call(_ method: HTTPMethod, _ url: String, key: String) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 16)))
    }

    private static func listenKey(_ body: String) throws -> String {
        guard case .string(let key)? = try JSONValue(parsing: body.utf8)["listenKey"] else {
            throw TestSetupError("no listenKey in \(body)")
        }
        return key
    }

    private static func event(_ type: String, user: UUID, data: String) throws -> Envelope {
        struct Payload: Encodable { let order: String }
        return try Envelope.event(type, userID: user, at: Date(), data: Payload(order: data))
    }

    @Test("a user stream carries its user's events as they are published and never another user's")
    func ownEventsOnly() async throws {
        try await TestDatabase.with { database, _ in
            let users = try await Self.users(in: database)
            let redis = RedisClient(endpoint: try TestServers.redis)
            try await LiveHarness.running(database) { server in
                let api = "http://127.0.0.1:\(server.port)/api/v1/userDataStream"
                let opened = try await Self.call(.POST, api, key: users.aliceKey)
                #expect(opened.status == 200)
                let key = try Self.listenKey(opened.body)
                #expect(key.count == 60)
                // Asking again gives the same key, extended, as Binance does.
                #expect(try Self.listenKey(try await Self.call(.POST, api, key: users.aliceKey).body) == key)
                let raw = WebSocketTestClient(server.url("/ws/\(key)"))
                let combined = WebSocketTestClient(server.url("/stream?streams=\(key)"))
                try await Task.sleep(for: .milliseconds(300))
                let producer = StreamProducer(client: redis)
                let forAlice = try Self.event("order.filled", user: users.alice, data: "a1")
                let forBob = try Self.event("order.filled", user: users.bob, data: "b1")
                let alsoAlice = try Self.event("position.opened", user: users.alice, data: "a2")
                _ = try await producer.publish([forAlice, forBob, alsoAlice].map { (StreamName.events, $0) })
                #expect(await raw.waitForMessages(2))
                #expect(await combined.waitForMessages(2))
                try await Task.sleep(for: .milliseconds(300))
                #expect(raw.messages == [forAlice.data, alsoAlice.data])
                #expect(combined.messages == [forAlice, alsoAlice].map { "{\"stream\":\"\(key)\",\"data\":\($0.data)}" })
                #expect(!raw.messages.joined().contains(users.bob.uuidString.lowercased()))
                await raw.stop()
                await combined.stop()
            }
        }
    }

    @Test("keep-alive and close check the owner; a closed or expired key ends its streams with listenKeyExpired and 4001")
    func listenKeyLifecycle() async throws {
        try await TestDatabase.with { database, _ in
            let users = try await Self.users(in: database)
            try await LiveHarness.running(database, environment: ["BALLAST_LISTEN_KEY_TTL_SECONDS": "2"]) { server in
                let api = "http://127.0.0.1:\(server.port)/api/v1/userDataStream"
                let key = try Self.listenKey(try await Self.call(.POST, api, key: users.aliceKey).body)
                // Bob cannot keep alive or close Alice's key; the answer is the same as for an unknown key.
                #expect(try await Self.call(.PUT, "\(api)?listenKey=\(key)", key: users.bobKey).status == 404)
                #expect(try await Self.call(.DELETE, "\(api)?listenKey=\(key)", key: users.bobKey).status == 404)
                #expect(try await Self.call(.PUT, api, key: users.aliceKey).status == 400)
                #expect(try await Self.call(.PUT, "\(api)?listenKey=short", key: users.aliceKey).status == 400)
                #expect(try await Self.call(.POST, api, key: "nope").status == 401)
                let client = WebSocketTestClient(server.url("/ws/\(key)"))
                // Kept alive past its 2 s lifetime, the stream stays open.
                for _ in 0..<3 {
                    try await Task.sleep(for: .seconds(1))
                    #expect(try await Self.call(.PUT, "\(api)?listenKey=\(key)", key: users.aliceKey).status == 200)
                }
                #expect(!client.ended)
                #expect(try await Self.call(.DELETE, "\(api)?listenKey=\(key)", key: users.aliceKey).status == 200)
                #expect(await client.waitForEnd())
                #expect(client.messages.count == 1)
                #expect(client.messages.first?.contains("\"e\":\"listenKeyExpired\"") == true)
                #expect(client.close?.code == 4001)
                // A deleted key no longer opens a stream.
                let refused = WebSocketTestClient(server.url("/ws/\(key)"))
                #expect(await refused.waitForEnd())
                #expect(refused.close?.code == 4001)
                // A key left alone expires on its own.
                let second = try Self.listenKey(try await Self.call(.POST, api, key: users.aliceKey).body)
                #expect(second != key)
                let idle = WebSocketTestClient(server.url("/ws/\(second)"))
                #expect(await idle.waitForEnd(timeout: .seconds(8)))
                #expect(idle.close?.code == 4001)
            }
        }
    }

    @Test("connections per listen key are limited: the one over the limit is closed with 4029 and the reason")
    func connectionsPerKey() async throws {
        try await TestDatabase.with { database, _ in
            let users = try await Self.users(in: database)
            try await LiveHarness.running(database, environment: ["BALLAST_WS_MAX_CONNECTIONS_PER_KEY": "1"]) { server in
                let api = "http://127.0.0.1:\(server.port)/api/v1/userDataStream"
                let key = try Self.listenKey(try await Self.call(.POST, api, key: users.aliceKey).body)
                let first = WebSocketTestClient(server.url("/ws/\(key)"))
                try await Task.sleep(for: .milliseconds(300))
                let second = WebSocketTestClient(server.url("/ws/\(key)"))
                #expect(await second.waitForEnd())
                #expect(second.close?.code == 4029)
                #expect(second.close?.reason.contains("limit 1") == true)
                #expect(!first.ended)
                await first.stop()
            }
        }
    }
}
