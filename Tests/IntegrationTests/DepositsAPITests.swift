import BallastCore
import BallastDeposits
import BallastUsers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import PostgresNIO
import Testing

@Suite("Deposits API (/api/v1/deposit-addresses, /api/v1/deposits) over real HTTP with real Postgres")
struct DepositsAPITests {
    struct Address: Decodable, Equatable {
        var chain: String
        var address: String
        var label: String?
        var assignedAt: String?
    }

    struct Deposit: Decodable {
        var id: String
        var chain: String
        var txid: String
        var outputIndex: Int
        var address: String
        var asset: String
        var amount: String
        var blockHeight: Int?
        var blockHash: String?
        var confirmations: Int
        var requiredConfirmations: Int
        var status: String
        var reason: String?
        var accountId: String?
        var detectedAt: String
        var confirmedAt: String?
        var creditedAt: String?
        var updatedAt: String
    }

    struct Statistics: Decodable {
        struct Group: Decodable {
            var chain: String
            var asset: String
            var count: [String: Int]
            var amount: [String: String]
        }

        var groups: [Group]
        var total: Int
        var stuck: Int
    }

    struct Page<Item: Decodable>: Decodable {
        var data: [Item]
        var nextCursor: String?
    }

    /// A live ingest on a fresh database; `alice` and `bob` with their keys, and an admin key of a third user.
    struct API {
        let database: PostgresClient
        let client: TestClientProtocol
        let alice: UUID
        let bob: UUID
        let key: String
        let otherKey: String
        let adminKey: String

        func call(_ method: HTTPRequest.Method, _ uri: String, key: String? = nil, json: String? = nil) async throws -> APIReply {
            try await client.call(method, uri, key: key ?? self.key, json: json)
        }

        func get<Value: Decodable>(_ uri: String, as type: Value.Type, key: String? = nil) async throws -> Value {
            let reply = try await call(.get, uri, key: key)
            #expect(reply.status == .ok, "\(uri): \(reply.text)")
            return try reply.decode(type)
        }

        /// Adds `addresses` of `chain` to the pool, as `ballast deposits import-addresses` does.
        func importAddresses(_ chain: String, _ addresses: [String]) async throws {
            let store = DepositAddressStore(database: database, logger: TestServers.logger)
            _ = try await store.importAddresses(addresses.map { DepositAddress(chain: chain, address: $0, label: "wallet") })
        }

        /// A deposit of `user`'s written as the scanner would have, `minutesAgo` after it was seen.
        @discardableResult
        func insertDeposit(
            user: UUID, chain: String = "bitcoin", amount: String = "0.5", status: String, height: Int64? = 100,
            confirmations: Int = 0, required: Int = 6, minutesAgo: Int = 0, reason: String? = nil
        ) async throws -> UUID {
            let id = UUID()
            let txid = String(repeating: "ab", count: 16) + id.uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let hash = height.map { "hash-\($0)" }
            let detected = Date().addingTimeInterval(TimeInterval(-60 * minutesAgo))
            try await database.query(
                """
                INSERT INTO deposits (id, chain, txid, output_index, user_id, address, asset, amount, block_height, block_hash,
                                      confirmations, required_confirmations, status, reason, detected_at,
                                      credited_at, confirmed_at)
                VALUES (\(id), \(chain), \(txid), 0, \(user), 'bc1qexampleaddress', \(chain == "bitcoin" ? "BTC" : "ETH"),
                        \(amount)::numeric, \(height), \(hash), \(confirmations), \(required), \(status), \(reason), \(detected),
                        CASE WHEN \(status) = 'credited' THEN now() END, CASE WHEN \(status) = 'credited' THEN now() END)
                """)
            return id
        }

        func status(of id: UUID) async throws -> String? {
            for try await status in try await database.query("SELECT status FROM deposits WHERE id = \(id)").decode(String.self) {
                return status
            }
            return nil
        }
    }

    static let bitcoinAddresses = [
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l",
        "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h", "bc1q34aq5drpuwy3wgl9lhup9892qp6svr8ldzyy7c",
        "bc1qc7slrfxkknqcq2jevvvkdgvrt8080852dfjewde",
    ]

    static func withAPI(_ body: @Sendable (API) async throws -> Void) async throws {
        try await TestDatabase.with { database, _ in
            let users = UserStore(database: database, logger: TestServers.logger)
            let (aliceName, bobName, operatorName) = (
                TestServers.unique("alice"), TestServers.unique("bob"), TestServers.unique("operator")
            )
            let alice = try await users.createUser(named: aliceName)
            let bob = try await users.createUser(named: bobName)
            try await users.createUser(named: operatorName)
            let key = try await users.createAPIKey(forUser: aliceName).key
            let otherKey = try await users.createAPIKey(forUser: bobName).key
            let adminKey = try await users.createAPIKey(forUser: operatorName, isAdmin: true).key
            let configuration = try IngestConfiguration(environment: EnvironmentReader([:]))
            try await Application(router: try ingestRouter(database, configuration)).test(.live) { client in
                try await body(
                    API(database: database, client: client, alice: alice, bob: bob, key: key, otherKey: otherKey, adminKey: adminKey))
            }
        }
    }

    @Test("an address is assigned once (201 with Location, then 200 with the same); two users get different ones")
    func assignOnce() async throws {
        try await Self.withAPI { api in
            try await api.importAddresses("bitcoin", Self.bitcoinAddresses)
            let first = try await api.call(.post, "/api/v1/deposit-addresses", json: #"{"chain":"bitcoin"}"#)
            #expect(first.status == .created, "\(first.text)")
            let address = try first.decode(Address.self)
            #expect(address.chain == "bitcoin" && address.label == "wallet" && address.assignedAt != nil)
            #expect(Self.bitcoinAddresses.contains(address.address))
            #expect(!first.text.contains("userId"))
            let again = try await api.call(.post, "/api/v1/deposit-addresses", json: #"{"chain":"BITCOIN"}"#)
            #expect(again.status == .ok, "\(again.text)")
            #expect(try again.decode(Address.self) == address)
            let other = try await api.call(.post, "/api/v1/deposit-addresses", key: api.otherKey, json: #"{"chain":"bitcoin"}"#)
            #expect(other.status == .created)
            #expect(try other.decode(Address.self).address != address.address)
            #expect(try await api.get("/api/v1/deposit-addresses", as: Page<Address>.self).data == [address])
            #expect(try await api.get("/api/v1/deposit-addresses?chain=ethereum", as: Page<Address>.self).data.isEmpty)
        }
    }

    @Test("the Location of a new address lists it")
    func location() async throws {
        try await Self.withAPI { api in
            try await api.importAddresses("bitcoin", Self.bitcoinAddresses)
            let created = try await api.client.execute(
                uri: "/api/v1/deposit-addresses", method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer \(api.key)"],
                body: ByteBuffer(string: #"{"chain":"bitcoin"}"#)
            ) { $0.headers[.location] }
            let location = try #require(created)
            #expect(location == "/api/v1/deposit-addresses?chain=bitcoin")
            #expect(try await api.get(location, as: Page<Address>.self).data.count == 1)
        }
    }

    @Test("a used-up pool is a 503 telling the operator what to run; a chain without a pool is a 400 naming chain")
    func poolEmpty() async throws {
        try await Self.withAPI { api in
            try await api.importAddresses("bitcoin", Array(Self.bitcoinAddresses.prefix(1)))
            #expect(try await api.call(.post, "/api/v1/deposit-addresses", json: #"{"chain":"bitcoin"}"#).status == .created)
            let empty = try await api.call(.post, "/api/v1/deposit-addresses", key: api.otherKey, json: #"{"chain":"bitcoin"}"#)
            #expect(empty.status == .serviceUnavailable, "\(empty.text)")
            #expect(try empty.problem.detail?.contains("ballast deposits import-addresses") == true)
            let unknown = try await api.call(.post, "/api/v1/deposit-addresses", json: #"{"chain":"dogecoin"}"#)
            #expect(unknown.status == .badRequest)
            #expect(try unknown.problem.names == ["chain"])
            #expect(try await api.get("/api/v1/deposit-addresses", as: Page<Address>.self, key: api.otherKey).data.isEmpty)
        }
    }

    @Test("concurrent requests of one user end with one address")
    func concurrentAssign() async throws {
        try await Self.withAPI { api in
            try await api.importAddresses("bitcoin", Self.bitcoinAddresses)
            let replies = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let reply = try await api.call(.post, "/api/v1/deposit-addresses", json: #"{"chain":"bitcoin"}"#)
                        return (reply.status, try reply.decode(Address.self).address)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(replies.map(\.1)).count == 1)
            #expect(replies.filter { $0.0 == .created }.count == 1)
            #expect(replies.filter { $0.0 == .ok }.count == 7)
            #expect(try await api.database.count("SELECT count(*)::int8 FROM deposit_addresses WHERE user_id IS NOT NULL") == 1)
        }
    }

    @Test(
        "every bad deposit-address request is a 400 naming the field",
        arguments: [
            ("{}", "chain"), (#"{"chain":12}"#, "chain"), (#"{"chain":"bit coin"}"#, "chain"), (#"{"chain":""}"#, "chain"),
            (#"{"chain":"bitcoin","asset":"BTC"}"#, "asset"), ("[]", "body"), (#"{"chain":null}"#, "chain"),
        ])
    func badAddressRequest(body: String, field: String) async throws {
        try await Self.withAPI { api in
            try await api.importAddresses("bitcoin", Self.bitcoinAddresses)
            let reply = try await api.call(.post, "/api/v1/deposit-addresses", json: body)
            #expect(reply.status == .badRequest, "\(body): \(reply.text)")
            #expect(try reply.problem.names == [field], "\(body): \(reply.text)")
            #expect(try await api.database.count("SELECT count(*)::int8 FROM deposit_addresses WHERE user_id IS NOT NULL") == 0)
        }
    }

    @Test(
        "every bad deposits query or id is a 400 naming it",
        arguments: [
            ("/api/v1/deposits?status=lost", "status"), ("/api/v1/deposits?limit=0", "limit"), ("/api/v1/deposits?limit=501", "limit"),
            ("/api/v1/deposits?limit=ten", "limit"), ("/api/v1/deposits?cursor=nope", "cursor"), ("/api/v1/deposits?chain=a_b", "chain"),
            ("/api/v1/deposits?userId=00000000-0000-0000-0000-000000000001", "userId"), ("/api/v1/deposits/not-a-uuid", "id"),
            ("/api/v1/deposit-addresses?chain=a%20b", "chain"),
        ])
    func badQuery(uri: String, name: String) async throws {
        try await Self.withAPI { api in
            let reply = try await api.call(.get, uri)
            #expect(reply.status == .badRequest, "\(uri): \(reply.text)")
            #expect(try reply.problem.names == [name], "\(uri): \(reply.text)")
            let retry = try await api.call(.post, "/api/v1/deposits/not-a-uuid/retry")
            #expect(retry.status == .badRequest)
            #expect(try retry.problem.names == ["id"])
        }
    }

    @Test("list (newest first, paged, filtered), get and stats show the caller's deposits only; an admin key sees all")
    func listGetStats() async throws {
        try await Self.withAPI { api in
            let oldest = try await api.insertDeposit(
                user: api.alice, amount: "0.12345678", status: "credited", confirmations: 6, minutesAgo: 30)
            let middle = try await api.insertDeposit(user: api.alice, amount: "1.5", status: "confirming", confirmations: 2, minutesAgo: 20)
            let newest = try await api.insertDeposit(
                user: api.alice, chain: "ethereum", amount: "2.000000000000000001", status: "pending", height: nil, minutesAgo: 10)
            let bobs = try await api.insertDeposit(user: api.bob, amount: "7", status: "failed", confirmations: 6)

            let first = try await api.get("/api/v1/deposits?limit=2", as: Page<Deposit>.self)
            #expect(first.data.map(\.id) == [newest, middle].map { $0.uuidString.lowercased() })
            let cursor = try #require(first.nextCursor)
            let second = try await api.get("/api/v1/deposits?limit=2&cursor=\(cursor)", as: Page<Deposit>.self)
            #expect(second.data.map(\.id) == [oldest.uuidString.lowercased()])
            #expect(second.nextCursor == nil)
            #expect(
                try await api.get("/api/v1/deposits?status=confirming", as: Page<Deposit>.self).data.map(\.id) == [
                    middle.uuidString.lowercased()
                ])
            #expect(
                try await api.get("/api/v1/deposits?chain=ethereum", as: Page<Deposit>.self).data.map(\.amount) == ["2.000000000000000001"])

            let reply = try await api.call(.get, "/api/v1/deposits/\(oldest.uuidString)")
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.text.contains(#""id":"\#(oldest.uuidString.lowercased())""#))
            let deposit = try reply.decode(Deposit.self)
            #expect(deposit.amount == "0.12345678" && deposit.status == "credited" && deposit.asset == "BTC")
            #expect(deposit.confirmations == 6 && deposit.requiredConfirmations == 6 && deposit.blockHeight == 100)
            #expect(deposit.detectedAt.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(deposit.detectedAt)")
            #expect(deposit.creditedAt != nil && deposit.reason == nil)

            #expect(try await api.call(.get, "/api/v1/deposits/\(bobs)").status == .notFound)
            #expect(try await api.call(.get, "/api/v1/deposits/\(UUID())").status == .notFound)
            #expect(try await api.get("/api/v1/deposits/\(bobs)", as: Deposit.self, key: api.adminKey).amount == "7")

            let statistics = try await api.get("/api/v1/deposits/stats", as: Statistics.self)
            #expect(statistics.total == 3 && statistics.stuck == 0)
            let bitcoin = try #require(statistics.groups.first { $0.chain == "bitcoin" })
            #expect(
                bitcoin.count == ["credited": 1, "confirming": 1] && bitcoin.amount == ["credited": "0.12345678", "confirming": "1.5"])
            #expect(try await api.get("/api/v1/deposits/stats", as: Statistics.self, key: api.adminKey).total == 4)

            #expect(try await api.get("/api/v1/deposits", as: Page<Deposit>.self, key: api.adminKey).data.count == 4)
            let bobsOnly = try await api.get("/api/v1/deposits?userId=\(api.bob)", as: Page<Deposit>.self, key: api.adminKey)
            #expect(bobsOnly.data.map(\.id) == [bobs.uuidString.lowercased()])
            #expect(try await api.get("/api/v1/deposits", as: Page<Deposit>.self, key: api.otherKey).data.count == 1)
        }
    }

    @Test("retry sends a failed deposit back to where its chain data puts it; any other status is a 409 naming it")
    func retry() async throws {
        try await Self.withAPI { api in
            let enough = try await api.insertDeposit(user: api.alice, status: "failed", confirmations: 6, reason: "no account")
            let fewer = try await api.insertDeposit(user: api.alice, status: "failed", confirmations: 2)
            let orphaned = try await api.insertDeposit(user: api.alice, status: "failed", height: nil)
            let credited = try await api.insertDeposit(user: api.alice, status: "credited", confirmations: 6)
            let bobs = try await api.insertDeposit(user: api.bob, status: "failed", confirmations: 6)

            let reply = try await api.call(.post, "/api/v1/deposits/\(enough)/retry")
            #expect(reply.status == .ok, "\(reply.text)")
            let retried = try reply.decode(Deposit.self)
            #expect(retried.status == "confirmed" && retried.reason == nil && retried.confirmedAt != nil)
            #expect(try await api.call(.post, "/api/v1/deposits/\(fewer)/retry").decode(Deposit.self).status == "confirming")
            #expect(try await api.call(.post, "/api/v1/deposits/\(orphaned)/retry").decode(Deposit.self).status == "pending")

            let refused = try await api.call(.post, "/api/v1/deposits/\(credited)/retry")
            #expect(refused.status == .conflict)
            #expect(try refused.problem.detail?.contains("credited") == true)
            let again = try await api.call(.post, "/api/v1/deposits/\(enough)/retry")
            #expect(again.status == .conflict)
            #expect(try again.problem.detail?.contains("confirmed") == true)

            #expect(try await api.call(.post, "/api/v1/deposits/\(bobs)/retry").status == .notFound)
            #expect(try await api.status(of: bobs) == "failed")
            #expect(try await api.call(.post, "/api/v1/deposits/\(UUID())/retry").status == .notFound)
            #expect(try await api.call(.post, "/api/v1/deposits/\(bobs)/retry", key: api.otherKey).status == .ok)
            #expect(try await api.status(of: bobs) == "confirmed")
        }
    }

    @Test("an admin key retries anyone's failed deposit")
    func adminRetry() async throws {
        try await Self.withAPI { api in
            let bobs = try await api.insertDeposit(user: api.bob, status: "failed", confirmations: 1)
            #expect(try await api.call(.post, "/api/v1/deposits/\(bobs)/retry", key: api.adminKey).status == .ok)
            #expect(try await api.status(of: bobs) == "confirming")
        }
    }
}
