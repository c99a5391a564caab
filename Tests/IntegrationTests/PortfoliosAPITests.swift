import BallastCore
import BallastRedis
import BallastTrading
import BallastUsers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import PostgresNIO
import Testing

@Suite("Portfolios API (/api/v1/portfolios, /api/v1/rebalances) over real HTTP with real Postgres and Redis")
struct PortfoliosAPITests {
    struct Portfolio: Decodable {
        var id: String
        var accountId: String
        var name: String
        var quoteCurrency: String
        var targetWeights: [String: String]
        var method: String
        var interval: String
        var cron: String
        var timeZone: String
        var driftThreshold: String
        var thresholdRelative: Bool
        var rebalanceTo: String
        var minimumTradeValue: String
        var maxOrders: Int?
        var dryRun: Bool
        var paused: Bool
        var overThreshold: Bool
        var nextRebalanceAt: String?
        var valuation: Valuation?
    }

    struct Valuation: Decodable {
        struct Holding: Decodable {
            var asset: String
            var quantity: String
            var price: String?
            var value: String?
            var weight: String?
            var targetWeight: String
            var drift: String?
            var overThreshold: Bool?
            var problem: String?
        }

        var priced: Bool
        var value: String?
        var cash: String
        var cashWeight: String?
        var assets: [Holding]
        var maxDrift: String?
        var overThreshold: Bool?
        var problems: [String]

        func holding(_ asset: String) throws -> Holding { try #require(assets.first { $0.asset == asset }) }
    }

    struct Drift: Decodable {
        var portfolioId: String
        var threshold: String
        var thresholdRelative: Bool
        var priced: Bool
        var value: String?
        var cash: String
        var assets: [Valuation.Holding]
        var maxDrift: String?
        var overThreshold: Bool?
        var problems: [String]
    }

    struct Page<Item: Decodable>: Decodable {
        var data: [Item]
        var nextCursor: String?
    }

    struct Accepted: Decodable {
        var runId: String
        var portfolioId: String
        var status: String
        var dryRun: Bool
    }

    struct Run: Decodable {
        var id: String
        var portfolioId: String
        var triggeredBy: String
        var dryRun: Bool
        var status: String
        var ordersPlanned: Int
        var errors: [String]
    }

    /// What each test gets: a live ingest on a fresh database, two users with keys (`alice` owns, `bob` is the other
    /// user), and two assets of their own (`first`, `second`) known to market-data in USD, so that tests sharing the
    /// Redis server never see each other's prices.
    struct API {
        let database: PostgresClient
        let redis: RedisClient
        let client: TestClientProtocol
        let alice: String
        let key: String
        let otherKey: String
        let first: String
        let second: String

        func call(_ method: HTTPRequest.Method, _ uri: String, key: String? = nil, json: String? = nil) async throws -> APIReply {
            try await client.call(method, uri, key: key ?? self.key, json: json)
        }

        /// A portfolio of `first` and `second` at 60/40 with `extra` fields, created with `initialCash`.
        func create(_ name: String, _ extra: String = "", initialCash: String? = "1000") async throws -> Portfolio {
            let cash = initialCash.map { #","initialCash":"\#($0)""# } ?? ""
            let reply = try await call(
                .post, "/api/v1/portfolios",
                json: #"{"name":"\#(name)","targetWeights":{"\#(first)":60,"\#(second)":"40"}\#(cash)\#(extra)}"#)
            #expect(reply.status == .created, "\(reply.text)")
            return try reply.decode(Portfolio.self)
        }

        func get(_ id: String) async throws -> Portfolio {
            let reply = try await call(.get, "/api/v1/portfolios/\(id)")
            #expect(reply.status == .ok, "\(reply.text)")
            return try reply.decode(Portfolio.self)
        }

        func drift(_ id: String) async throws -> Drift {
            let reply = try await call(.get, "/api/v1/portfolios/\(id)/drift")
            #expect(reply.status == .ok, "\(reply.text)")
            return try reply.decode(Drift.self)
        }

        /// market-data's last price of `asset` in USD, traded `age` ago.
        func setPrice(_ asset: String, _ price: String, age: TimeInterval = 0) async throws {
            let symbol = "\(asset)-USD"
            let time = Date().addingTimeInterval(-age).epochMilliseconds
            _ = try await redis.send("SET", MarketKeys.price(symbol), price, "PX", "600000")
            _ = try await redis.send("SET", MarketKeys.priceTime(symbol), "\(time)", "PX", "600000")
        }

        func removePrice(_ asset: String) async throws {
            _ = try await redis.send("DEL", MarketKeys.price("\(asset)-USD"), MarketKeys.priceTime("\(asset)-USD"))
        }

        /// Sets what the portfolio's account holds of `asset`.
        func hold(_ portfolio: Portfolio, _ asset: String, _ amount: String) async throws {
            guard let account = UUID(uuidString: portfolio.accountId) else { throw TestSetupError("bad account id") }
            try await database.query(
                """
                INSERT INTO balances (account_id, asset, available) VALUES (\(account), \(asset), \(amount)::numeric)
                ON CONFLICT (account_id, asset) DO UPDATE SET available = excluded.available
                """)
        }

        /// How many `type` messages wait in the outbox.
        func outbox(_ type: String) async throws -> Int {
            try await database.count("SELECT count(*)::int8 FROM outbox WHERE type = \(type)")
        }

        func available(_ account: UUID, _ asset: String) async throws -> String? {
            let rows = try await database.query(
                "SELECT available::text FROM balances WHERE account_id = \(account) AND asset = \(asset)")
            for try await amount in rows.decode(String.self) { return amount }
            return nil
        }
    }

    static func withAPI(_ body: @Sendable (API) async throws -> Void) async throws {
        try await TestDatabase.with { database, _ in
            let users = UserStore(database: database, logger: TestServers.logger)
            let alice = TestServers.unique("alice")
            try await users.createUser(named: alice)
            let key = try await users.createAPIKey(forUser: alice).key
            let bob = TestServers.unique("bob")
            try await users.createUser(named: bob)
            let otherKey = try await users.createAPIKey(forUser: bob).key
            let first = "P" + UUID().uuidString.prefix(8).replacingOccurrences(of: "-", with: "")
            let second = "Q" + UUID().uuidString.prefix(8).replacingOccurrences(of: "-", with: "")
            try await database.query("INSERT INTO market_symbols (symbol) VALUES (\(first + "-USD")), (\(second + "-USD"))")
            let redis = RedisClient(endpoint: try TestServers.redis)
            let configuration = try IngestConfiguration(environment: EnvironmentReader([:]))
            try await Application(router: try ingestRouter(database, configuration)).test(.live) { client in
                try await body(
                    API(
                        database: database, redis: redis, client: client, alice: alice, key: key, otherKey: otherKey, first: first,
                        second: second))
            }
        }
    }

    @Test("create, get, list (paged), change, pause, resume, delete; each change publishes its portfolio.* event")
    func lifecycle() async throws {
        try await Self.withAPI { api in
            let created = try await api.create("Core")
            #expect(created.name == "Core" && created.quoteCurrency == "USD")
            #expect(created.targetWeights == [api.first: "60", api.second: "40"])
            #expect([created.method, created.interval, created.cron] == ["drift", "daily", "0 0 * * *"])
            #expect(created.timeZone == "UTC")
            #expect([created.driftThreshold, created.minimumTradeValue, created.rebalanceTo] == ["5", "10", "target"])
            #expect(created.maxOrders == nil && !created.dryRun && !created.paused && !created.thresholdRelative)
            #expect(created.nextRebalanceAt == nil, "a drift portfolio follows no schedule")

            let fetched = try await api.get(created.id)
            #expect(fetched.id == created.id)
            let valuation = try #require(fetched.valuation)
            #expect(valuation.cash == "1000")

            let second = try await api.create(
                "Satellite", #","method":"scheduled","interval":"cron","cron":"30 9 * * 1-5","timeZone":"Europe/Berlin""#)
            #expect(
                [second.method, second.interval, second.cron, second.timeZone] == ["scheduled", "cron", "30 9 * * 1-5", "Europe/Berlin"])
            #expect(second.nextRebalanceAt != nil)
            let firstPage = try await api.call(.get, "/api/v1/portfolios?limit=1")
            #expect(firstPage.status == .ok, "\(firstPage.text)")
            let page = try firstPage.decode(Page<Portfolio>.self)
            #expect(page.data.map(\.id) == [second.id], "newest first")
            let cursor = try #require(page.nextCursor)
            let rest = try await api.call(.get, "/api/v1/portfolios?limit=1&cursor=\(cursor)").decode(Page<Portfolio>.self)
            #expect(rest.data.map(\.id) == [created.id] && rest.nextCursor == nil)

            let patched = try await api.call(
                .patch, "/api/v1/portfolios/\(created.id)",
                json:
                    #"{"method":"hybrid","interval":"hourly","driftThreshold":"2.5","maxOrders":3,"rebalanceTo":"band","quoteCurrency":"usd"}"#
            )
            #expect(patched.status == .ok, "\(patched.text)")
            let changed = try patched.decode(Portfolio.self)
            #expect([changed.method, changed.interval, changed.cron, changed.driftThreshold] == ["hybrid", "hourly", "0 * * * *", "2.5"])
            #expect(changed.maxOrders == 3 && changed.rebalanceTo == "band" && changed.name == "Core")
            #expect(changed.targetWeights == created.targetWeights, "fields not sent stay as they were")
            let next = try #require(changed.nextRebalanceAt.flatMap(RFC3339.date(from:)))
            #expect(next > Date() && next.timeIntervalSinceNow <= 3_600)
            let unlimited = try await api.call(.patch, "/api/v1/portfolios/\(created.id)", json: #"{"maxOrders":null}"#)
            #expect(try unlimited.decode(Portfolio.self).maxOrders == nil)

            let paused = try await api.call(.post, "/api/v1/portfolios/\(created.id)/pause")
            #expect(try paused.status == .ok && paused.decode(Portfolio.self).paused)
            let resumed = try await api.call(.post, "/api/v1/portfolios/\(created.id)/resume")
            #expect(try resumed.status == .ok && !resumed.decode(Portfolio.self).paused)

            let deleted = try await api.call(.delete, "/api/v1/portfolios/\(created.id)")
            #expect(deleted.status == .noContent)
            #expect(try await api.call(.get, "/api/v1/portfolios/\(created.id)").status == .notFound)
            #expect(try await api.call(.delete, "/api/v1/portfolios/\(created.id)").status == .notFound)
            let remaining = try await api.call(.get, "/api/v1/portfolios").decode(Page<Portfolio>.self)
            #expect(remaining.data.map(\.id) == [second.id])

            #expect(try await api.outbox("portfolio.created") == 2)
            let announced = try await api.database.count(
                "SELECT count(*)::int8 FROM outbox WHERE type = 'portfolio.created' AND lower(data::jsonb -> 'data' ->> 'id') = \(created.id.lowercased())"
            )
            #expect(announced == 1, "the event carries the portfolio")
            #expect(try await api.outbox("portfolio.updated") == 2)
            #expect(try await api.outbox("portfolio.paused") == 1)
            #expect(try await api.outbox("portfolio.resumed") == 1)
            #expect(try await api.outbox("portfolio.deleted") == 1)
            #expect(try await api.call(.get, "/api/v1/portfolios", key: "").status == .unauthorized)
        }
    }

    @Test("every bad field is a 400 problem naming it, and creates nothing; a name in use is a 409")
    func badInput() async throws {
        try await Self.withAPI { api in
            let weights = #""targetWeights":{"\#(api.first)":60,"\#(api.second)":40}"#
            let rows: [(String, Set<String>)] = [
                (#"{"name":"a","targetWeights":{"\#(api.first)":60,"\#(api.second)":30}}"#, ["targetWeights"]),
                (#"{"name":"a","targetWeights":{"\#(api.first)":60,"NOSUCHCOIN":40}}"#, ["targetWeights.NOSUCHCOIN"]),
                (#"{"name":"a",\#(weights),"driftThreshold":-1}"#, ["driftThreshold"]),
                (#"{"name":"a",\#(weights),"driftThreshold":"0"}"#, ["driftThreshold"]),
                (#"{"name":"a",\#(weights),"interval":"cron","cron":"61 * * * *"}"#, ["cron"]),
                (#"{"name":"a",\#(weights),"interval":"cron"}"#, ["cron"]),
                (#"{"name":"a",\#(weights),"interval":"hourly","cron":"0 * * * *"}"#, ["cron"]),
                (#"{"name":"a",\#(weights),"timeZone":"Mars/Olympus_Mons"}"#, ["timeZone"]),
                (#"{"name":"a",\#(weights),"initialCash":"-5"}"#, ["initialCash"]),
                (#"{"name":"a",\#(weights),"transferFromAccount":-5}"#, ["transferFromAccount"]),
                (#"{"name":"a",\#(weights),"initialCash":5,"transferFromAccount":5}"#, ["transferFromAccount"]),
                (#"{"name":"a",\#(weights),"minimumTradeValue":-1}"#, ["minimumTradeValue"]),
                (#"{"name":"a",\#(weights),"maxOrders":0}"#, ["maxOrders"]),
                (#"{"name":"a",\#(weights),"maxOrders":1.5}"#, ["maxOrders"]),
                (#"{"name":42,\#(weights)}"#, ["name"]),
                (#"{"name":"a",\#(weights),"dryRun":"yes","thresholdRelative":1}"#, ["dryRun", "thresholdRelative"]),
                (#"{"name":"a",\#(weights),"method":"often","rebalanceTo":"moon"}"#, ["method", "rebalanceTo"]),
                (#"{"name":"a",\#(weights),"colour":"blue"}"#, ["colour"]),
                (
                    #"{"name":"a","targetWeights":{"\#(api.first)":"33.123456789","\#(api.second)":"66.87654321"}}"#,
                    ["targetWeights.\(api.first)"]
                ),
                (#"{"name":"a","targetWeights":[60,40]}"#, ["targetWeights"]),
                (#"{"name":"a","targetWeights":{"\#(api.first)":"sixty","\#(api.second)":40}}"#, ["targetWeights.\(api.first)"]),
                (#"{"name":"a","targetWeights":{}}"#, ["targetWeights"]),
                (#"{\#(weights)}"#, ["name"]),
                (#"{"name":"a"}"#, ["targetWeights"]),
                (#"{"name":"  ",\#(weights),"quoteCurrency":"U$D"}"#, ["name", "quoteCurrency"]),
                ("[]", ["body"]),
            ]
            for (json, fields) in rows {
                let reply = try await api.call(.post, "/api/v1/portfolios", json: json)
                #expect(reply.status == .badRequest, "\(json): \(reply.text)")
                #expect(try reply.problem.names == fields, "\(json): \(reply.text)")
            }
            #expect(try await api.database.count("SELECT count(*)::int8 FROM portfolios") == 0)
            #expect(try await api.outbox("portfolio.created") == 0)

            let core = try await api.create("Core")
            let taken = try await api.call(.post, "/api/v1/portfolios", json: #"{"name":"core",\#(weights)}"#)
            #expect(taken.status == .conflict, "\(taken.text)")
            #expect(try taken.problem.names == ["name"])
            let changes: [(String, Set<String>)] = [
                (#"{"quoteCurrency":"EUR"}"#, ["quoteCurrency"]),
                (#"{"targetWeights":{"\#(api.first)":50}}"#, ["targetWeights"]),
                (#"{"driftThreshold":"-0.5"}"#, ["driftThreshold"]),
                (#"{"cron":"every day"}"#, ["cron"]),
                (#"{"initialCash":"10"}"#, ["initialCash"]),
                (#"{"paused":true}"#, ["paused"]),
            ]
            for (json, fields) in changes {
                let reply = try await api.call(.patch, "/api/v1/portfolios/\(core.id)", json: json)
                #expect(reply.status == .badRequest, "\(json): \(reply.text)")
                #expect(try reply.problem.names == fields, "\(json): \(reply.text)")
            }
            let satellite = try await api.create("Satellite")
            let renamed = try await api.call(.patch, "/api/v1/portfolios/\(satellite.id)", json: #"{"name":"CORE"}"#)
            #expect(renamed.status == .conflict, "\(renamed.text)")
            #expect(try renamed.problem.names == ["name"])
            #expect(try await api.get(core.id).driftThreshold == "5", "a refused change changes nothing")
            #expect(try await api.outbox("portfolio.updated") == 0)
            let query = try await api.call(.get, "/api/v1/portfolios?limit=0&cursor=nope")
            #expect(query.status == .badRequest)
            #expect(try query.problem.names == ["limit", "cursor"])
        }
    }

    @Test("another user's portfolio or run is a 404 on every route, like an unknown id")
    func ownership() async throws {
        try await Self.withAPI { api in
            let core = try await api.create("Core")
            let accepted = try await api.call(.post, "/api/v1/portfolios/\(core.id)/rebalance")
            #expect(accepted.status == .accepted, "\(accepted.text)")
            let run = try accepted.decode(Accepted.self)
            let routes: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/api/v1/portfolios/\(core.id)", nil),
                (.patch, "/api/v1/portfolios/\(core.id)", #"{"name":"Mine"}"#),
                (.delete, "/api/v1/portfolios/\(core.id)", nil),
                (.post, "/api/v1/portfolios/\(core.id)/pause", nil),
                (.post, "/api/v1/portfolios/\(core.id)/resume", nil),
                (.get, "/api/v1/portfolios/\(core.id)/drift", nil),
                (.post, "/api/v1/portfolios/\(core.id)/rebalance", nil),
                (.get, "/api/v1/portfolios/\(core.id)/rebalances", nil),
                (.get, "/api/v1/rebalances/\(run.runId)", nil),
            ]
            for (method, uri, json) in routes {
                let reply = try await api.call(method, uri, key: api.otherKey, json: json)
                #expect(reply.status == .notFound, "\(method) \(uri): \(reply.text)")
                #expect(try reply.problem.status == 404)
            }
            #expect(try await api.call(.get, "/api/v1/portfolios", key: api.otherKey).decode(Page<Portfolio>.self).data.isEmpty)
            #expect(try await api.call(.get, "/api/v1/portfolios/not-a-uuid").status == .notFound)
            #expect(try await api.call(.get, "/api/v1/rebalances/\(UUID())").status == .notFound)
            #expect(try await api.get(core.id).name == "Core", "untouched by the other user")
        }
    }

    @Test("transferFromAccount moves cash from the trading account; too much, another currency or no account is a 400 naming it")
    func transferFromTradingAccount() async throws {
        try await Self.withAPI { api in
            let noAccount = try await api.call(
                .post, "/api/v1/portfolios",
                json: #"{"name":"T","targetWeights":{"\#(api.first)":100},"transferFromAccount":"10"}"#)
            #expect(noAccount.status == .badRequest)
            #expect(try noAccount.problem.names == ["transferFromAccount"])

            let trading = try await PaperAccountStore(database: api.database, logger: TestServers.logger)
                .create(user: api.alice, quoteCurrency: "USD", startingCash: 1_000)
            let funded = try await api.create("Funded", #","transferFromAccount":"250.5""#, initialCash: nil)
            #expect(funded.quoteCurrency == "USD", "the trading account's currency")
            #expect(try await api.available(trading.id, "USD") == "749.5")
            #expect(try await api.get(funded.id).valuation?.cash == "250.5")

            let tooMuch = try await api.call(
                .post, "/api/v1/portfolios",
                json: #"{"name":"Big","targetWeights":{"\#(api.first)":100},"transferFromAccount":5000}"#)
            #expect(tooMuch.status == .badRequest, "\(tooMuch.text)")
            #expect(try tooMuch.problem.names == ["transferFromAccount"])
            let otherCurrency = try await api.call(
                .post, "/api/v1/portfolios",
                json: #"{"name":"Euro","quoteCurrency":"EUR","targetWeights":{"EUR":100},"transferFromAccount":5}"#)
            #expect(otherCurrency.status == .badRequest, "\(otherCurrency.text)")
            #expect(try otherCurrency.problem.names == ["transferFromAccount"])
            #expect(try await api.available(trading.id, "USD") == "749.5", "a refused transfer moves nothing")
            #expect(try await api.database.count("SELECT count(*)::int8 FROM portfolios") == 1)
        }
    }

    @Test("a manual rebalance is 202 with the pending run and its Location; a second is a 409 naming it; history lists it")
    func manualRebalance() async throws {
        try await Self.withAPI { api in
            let core = try await api.create("Core")
            let (status, location, text) = try await api.client.execute(
                uri: "/api/v1/portfolios/\(core.id)/rebalance", method: .post, headers: [.authorization: "Bearer \(api.key)"], body: nil
            ) { ($0.status, $0.headers[.location], String(buffer: $0.body)) }
            #expect(status == .accepted, "\(text)")
            let accepted = try JSONCoding.decoder.decode(Accepted.self, from: Data(text.utf8))
            #expect(accepted.status == "pending" && !accepted.dryRun && accepted.portfolioId == core.id)
            #expect(location == "/api/v1/rebalances/\(accepted.runId.lowercased())")
            #expect(try await api.outbox("rebalance.requested") == 1, "the rebalancer's wake-up, in the same transaction")

            let again = try await api.call(.post, "/api/v1/portfolios/\(core.id)/rebalance", json: #"{"dryRun":true}"#)
            #expect(again.status == .conflict)
            #expect(try again.problem.detail?.contains(accepted.runId.lowercased()) == true, "\(again.text)")

            let history = try await api.call(.get, "/api/v1/portfolios/\(core.id)/rebalances")
            #expect(history.status == .ok, "\(history.text)")
            let runs = try history.decode(Page<Run>.self).data
            #expect(runs.map(\.id) == [accepted.runId])
            #expect(runs.first?.triggeredBy == "manual" && runs.first?.status == "pending")
            let run = try await api.call(.get, "/api/v1/rebalances/\(accepted.runId)")
            #expect(run.status == .ok, "\(run.text)")
            #expect(try run.decode(Run.self).portfolioId == core.id)

            let dry = try await api.create("Dry")
            let dryRun = try await api.call(.post, "/api/v1/portfolios/\(dry.id)/rebalance", json: #"{"dryRun":true}"#)
            #expect(dryRun.status == .accepted)
            #expect(try dryRun.decode(Accepted.self).dryRun)
            let bad: [(String, Set<String>)] = [(#"{"dryRun":"yes"}"#, ["dryRun"]), (#"{"force":true}"#, ["force"]), ("[1]", ["body"])]
            let other = try await api.create("Other")
            for (json, fields) in bad {
                let reply = try await api.call(.post, "/api/v1/portfolios/\(other.id)/rebalance", json: json)
                #expect(reply.status == .badRequest, "\(json): \(reply.text)")
                #expect(try reply.problem.names == fields)
            }
            #expect(try await api.database.count("SELECT count(*)::int8 FROM rebalance_runs") == 2)

            #expect(try await api.call(.delete, "/api/v1/portfolios/\(core.id)").status == .noContent)
            let kept = try await api.call(.get, "/api/v1/rebalances/\(accepted.runId)").decode(Run.self)
            #expect(kept.status == "failed", "a deleted portfolio's waiting run fails")
        }
    }

    @Test("drift at fresh prices: weights, drift per asset, max drift, threshold; a stale or missing price is said, not a 500")
    func drift() async throws {
        try await Self.withAPI { api in
            let core = try await api.create("Core", initialCash: nil)
            try await api.hold(core, api.first, "6")
            try await api.hold(core, api.second, "8")
            try await api.setPrice(api.first, "100")
            try await api.setPrice(api.second, "50")
            let balanced = try await api.drift(core.id)
            #expect(balanced.priced && balanced.value == "1000" && balanced.cash == "0")
            #expect(balanced.threshold == "5" && !balanced.thresholdRelative)
            #expect(balanced.maxDrift == "0" && balanced.overThreshold == false && balanced.problems.isEmpty)
            #expect(balanced.assets.map(\.weight) == ["60", "40"])

            try await api.setPrice(api.first, "150")
            let drifted = try await api.drift(core.id)
            #expect(drifted.value == "1300" && drifted.overThreshold == true)
            let first = try #require(drifted.assets.first { $0.asset == api.first })
            #expect(first.weight == "69.23076923" && first.drift == "9.23076923" && first.overThreshold == true)
            #expect(first.value == "900" && first.price == "150" && first.targetWeight == "60")
            #expect(drifted.maxDrift == "9.23076924", "the second asset's: 30.76923076 − 40")
            let detail = try #require(try await api.get(core.id).valuation)
            #expect(detail.priced && detail.value == "1300")
            #expect(try detail.holding(api.second).weight == "30.76923076")

            try await api.setPrice(api.second, "50", age: 600)
            let stale = try await api.drift(core.id)
            #expect(!stale.priced && stale.overThreshold == nil && stale.maxDrift == nil)
            let staleSecond = try #require(stale.assets.first { $0.asset == api.second })
            #expect(staleSecond.problem?.contains("s old") == true, "\(stale.problems)")
            #expect(stale.problems.contains { $0.contains(api.second) })
            #expect(stale.value == "1300", "a stale price still values what is held")
            #expect(try #require(try await api.get(core.id).valuation).priced, "the portfolio's view takes the last price at any age")

            try await api.removePrice(api.first)
            let missing = try await api.drift(core.id)
            #expect(!missing.priced && missing.value == nil)
            let missingFirst = try #require(missing.assets.first { $0.asset == api.first })
            #expect(missingFirst.problem == "no price for \(api.first)" && missingFirst.price == nil && missingFirst.quantity == "6")
            let view = try #require(try await api.get(core.id).valuation)
            #expect(!view.priced && view.problems.contains("no price for \(api.first)"))
            #expect(try view.holding(api.second).value == "400")
        }
    }
}
