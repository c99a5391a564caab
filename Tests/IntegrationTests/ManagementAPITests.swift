import BallastCore
import BallastUsers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import PostgresNIO
import Testing

@Suite("Management API over real HTTP with real Postgres")
struct ManagementAPITests {
    struct Page<Item: Decodable>: Decodable {
        var data: [Item]
        var nextCursor: String?
    }

    static func withAPI(_ body: @Sendable (TestClientProtocol, _ alice: String, _ bob: String) async throws -> Void) async throws {
        try await TestDatabase.with { database, _ in
            let users = UserStore(database: database, logger: TestServers.logger)
            try await users.createUser(named: "alice")
            try await users.createUser(named: "bob")
            let alice = try await users.createAPIKey(forUser: "alice").key
            let bob = try await users.createAPIKey(forUser: "bob").key
            let configuration = try IngestConfiguration(environment: EnvironmentReader(["BALLAST_DEDUP_WINDOW_SECONDS": "0"]))
            let app = Application(router: try ingestRouter(database, configuration))
            try await app.test(.live) { client in try await body(client, alice, bob) }
        }
    }

    static func call(
        _ client: TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, key: String?, json: String? = nil
    ) async throws -> (status: HTTPResponse.Status, body: ByteBuffer) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) {
            ($0.status, $0.body)
        }
    }

    static func decoder() -> JSONDecoder { JSONCoding.decoder }

    @Test("API keys: none, unknown or revoked → 401; a key sees only its user's sources (others are 404)")
    func authenticationAndOwnership() async throws {
        try await Self.withAPI { client, alice, bob in
            #expect(try await Self.call(client, .get, "/api/v1/sources", key: nil).status == .unauthorized)
            #expect(try await Self.call(client, .get, "/api/v1/sources", key: "bal_nope").status == .unauthorized)
            let created = try await Self.call(client, .post, "/api/v1/sources", key: alice, json: #"{"name":"tv-main"}"#)
            #expect(created.status == .created)
            let source = try Self.decoder().decode(SourceView.self, from: created.body)
            #expect(source.secret?.count ?? 0 >= 24)
            let fetched = try await Self.call(client, .get, "/api/v1/sources/\(source.id)", key: alice)
            #expect(fetched.status == .ok)
            #expect(try Self.decoder().decode(SourceView.self, from: fetched.body).secret == nil)
            #expect(try await Self.call(client, .get, "/api/v1/sources/\(source.id)", key: bob).status == .notFound)
            #expect(try await Self.call(client, .delete, "/api/v1/sources/\(source.id)", key: bob).status == .notFound)
            let bobs = try Self.decoder().decode(
                Page<SourceView>.self, from: try await Self.call(client, .get, "/api/v1/sources", key: bob).body)
            #expect(bobs.data.isEmpty)
        }
    }

    @Test("sources: create, duplicate name 409, rename, rotate secret, delete, bad input 400")
    func sourcesLifecycle() async throws {
        try await Self.withAPI { client, alice, _ in
            let first = try await Self.call(client, .post, "/api/v1/sources", key: alice, json: #"{"name":"a"}"#)
            let source = try Self.decoder().decode(SourceView.self, from: first.body)
            #expect(try await Self.call(client, .post, "/api/v1/sources", key: alice, json: #"{"name":"a"}"#).status == .conflict)
            #expect(try await Self.call(client, .post, "/api/v1/sources", key: alice, json: #"{"nom":"a"}"#).status == .badRequest)
            #expect(try await Self.call(client, .post, "/api/v1/sources", key: alice, json: #"{"name":""}"#).status == .badRequest)
            _ = try await Self.call(client, .post, "/api/v1/sources", key: alice, json: #"{"name":"b"}"#)
            #expect(
                try await Self.call(client, .patch, "/api/v1/sources/\(source.id)", key: alice, json: #"{"name":"b"}"#).status == .conflict)
            let renamed = try await Self.call(client, .patch, "/api/v1/sources/\(source.id)", key: alice, json: #"{"name":"c"}"#)
            #expect(try Self.decoder().decode(SourceView.self, from: renamed.body).name == "c")
            let rotated = try await Self.call(client, .post, "/api/v1/sources/\(source.id)/rotate-secret", key: alice)
            let newSecret = try Self.decoder().decode(SourceView.self, from: rotated.body).secret
            #expect(newSecret != nil && newSecret != source.secret)
            // The old secret no longer authenticates webhooks; the new one does.
            let old = #"{"symbol":"BTC-USD","action":"buy","secret":"\#(source.secret!)"}"#
            #expect(try await Self.call(client, .post, "/webhook/\(source.id)", key: nil, json: old).status == .unauthorized)
            let new = #"{"symbol":"BTC-USD","action":"buy","secret":"\#(newSecret!)"}"#
            #expect(try await Self.call(client, .post, "/webhook/\(source.id)", key: nil, json: new).status == .created)
            #expect(try await Self.call(client, .delete, "/api/v1/sources/\(source.id)", key: alice).status == .noContent)
            #expect(try await Self.call(client, .get, "/api/v1/sources/\(source.id)", key: alice).status == .notFound)
            #expect(try await Self.call(client, .get, "/api/v1/sources/not-a-uuid", key: alice).status == .notFound)
        }
    }

    @Test("signals: list newest first with filters and cursor pages, get one, another user's is 404")
    func signalsListing() async throws {
        try await Self.withAPI { client, alice, bob in
            let created = try await Self.call(client, .post, "/api/v1/sources", key: alice, json: #"{"name":"tv"}"#)
            let source = try Self.decoder().decode(SourceView.self, from: created.body)
            for index in 0..<5 {
                let symbol = index % 2 == 0 ? "BTC-USD" : "ETH-USD"
                let alert = #"{"symbol":"\#(symbol)","action":"buy","quantity":"\#(index + 1)","secret":"\#(source.secret!)"}"#
                #expect(try await Self.call(client, .post, "/webhook/\(source.id)", key: nil, json: alert).status == .created)
            }
            let firstPage = try Self.decoder().decode(
                Page<SignalDocument>.self,
                from: try await Self.call(client, .get, "/api/v1/signals?limit=2", key: alice).body
            )
            #expect(firstPage.data.map(\.quantity) == ["5", "4"])
            let cursor = try #require(firstPage.nextCursor)
            let secondPage = try Self.decoder().decode(
                Page<SignalDocument>.self,
                from: try await Self.call(client, .get, "/api/v1/signals?limit=2&cursor=\(cursor)", key: alice).body
            )
            #expect(secondPage.data.map(\.quantity) == ["3", "2"])
            let btc = try Self.decoder().decode(
                Page<SignalDocument>.self,
                from: try await Self.call(client, .get, "/api/v1/signals?symbol=btc-usd&sourceId=\(source.id)", key: alice).body
            )
            #expect(btc.data.map(\.quantity) == ["5", "3", "1"])
            #expect(btc.nextCursor == nil)
            let one = try await Self.call(client, .get, "/api/v1/signals/\(btc.data[0].id)", key: alice)
            #expect(one.status == .ok)
            #expect(try await Self.call(client, .get, "/api/v1/signals/\(btc.data[0].id)", key: bob).status == .notFound)
            let bad = try await Self.call(client, .get, "/api/v1/signals?limit=0&from=yesterday&cursor=zzz", key: alice)
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains(#""name":"limit""#))
        }
    }
}
