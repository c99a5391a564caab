import BallastCore
import BallastTrading
import BallastUsers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import PostgresNIO
import Testing

@Suite("Trading API (accounts, orders, positions, fills, risk limits) over HTTP with real Postgres and Redis")
struct TradingAPITests {
    struct Page<Item: Decodable>: Decodable {
        var data: [Item]
        var nextCursor: String?
    }

    struct Account: Decodable {
        struct Balance: Decodable, Equatable {
            var asset: String
            var available: String
            var locked: String
        }

        var id: UUID
        var quoteCurrency: String
        var allowShort: Bool
        var takerFeeBps: String
        var makerFeeBps: String
        var slippageBps: String
        var balances: [Balance]
        var createdAt: Date

        func balance(_ asset: String) -> Balance? { balances.first { $0.asset == asset } }
    }

    struct Order: Decodable {
        var id: UUID
        var accountID: UUID
        var symbol: String
        var side: String
        var type: String
        var status: String
        var quantity: String
        var filledQuantity: String
        var averagePrice: String?
        var fees: String
        var limitPrice: String?
        var lockedAmount: String?
        var createdAt: String?
        var updatedAt: String?
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case id
            case accountID = "accountId"
            case symbol
            case side
            case type
            case status
            case quantity
            case filledQuantity
            case averagePrice
            case fees
            case limitPrice
            case lockedAmount
            case createdAt
            case updatedAt
            case reason
        }
    }

    struct Fill: Decodable {
        var orderID: UUID
        var symbol: String
        var side: String
        var price: String
        var quantity: String
        var fee: String
        var feeAsset: String
        var liquidity: String

        enum CodingKeys: String, CodingKey {
            case orderID = "orderId"
            case symbol
            case side
            case price
            case quantity
            case fee
            case feeAsset
            case liquidity
        }
    }

    struct Position: Decodable {
        var id: UUID
        var symbol: String
        var side: String
        var quantity: String
        var averageEntryPrice: String
        var realizedPnl: String
        var markPrice: String?
        var unrealizedPnl: String?
        var stopLoss: String?
        var status: String
        var closeReason: String?
        var openedAt: String?
        var closedAt: String?
    }

    /// What each test gets: the paper-trading fixture (its user has an account), that user's API key, and
    /// another user (no paper account) with their key.
    struct API {
        let fixture: PaperTradingFixture
        let client: TestClientProtocol
        let key: String
        let otherUser: String
        let otherKey: String

        func call(_ method: HTTPRequest.Method, _ uri: String, key: String? = nil, json: String? = nil) async throws -> APIReply {
            try await client.call(method, uri, key: key ?? self.key, json: json)
        }

        func get<Value: Decodable>(_ uri: String, as type: Value.Type, key: String? = nil) async throws -> Value {
            let response = try await call(.get, uri, key: key)
            #expect(response.status == .ok, "GET \(uri): \(String(buffer: response.body))")
            return try response.decode(type)
        }

        /// Runs `signal` through the executor; the order it placed.
        func order(_ signal: SignalDocument) async throws -> UUID {
            let outcome = try await fixture.executor.execute(signal)
            guard case .ordered(let id, _) = outcome else { throw TestSetupError("expected an order, got \(outcome)") }
            return id
        }
    }

    static func withAPI(cash: Decimal = 100_000, _ body: @Sendable (API) async throws -> Void) async throws {
        try await PaperTradingFixture.with(cash: cash) { fixture in
            let users = UserStore(database: fixture.database, logger: TestServers.logger)
            let key = try await users.createAPIKey(forUser: fixture.userName).key
            let otherUser = TestServers.unique("bob")
            try await users.createUser(named: otherUser)
            let otherKey = try await users.createAPIKey(forUser: otherUser).key
            let configuration = try IngestConfiguration(environment: EnvironmentReader([:]))
            try await Application(router: try ingestRouter(fixture.database, configuration)).test(.router) { client in
                try await body(API(fixture: fixture, client: client, key: key, otherUser: otherUser, otherKey: otherKey))
            }
        }
    }

    @Test("a filled market buy shows in accounts, orders, positions and fills with exact amounts; another user sees none of it")
    func filledMarketBuy() async throws {
        try await Self.withAPI { api in
            let symbol = api.fixture.symbol
            let base = String(symbol.prefix(9))
            let orderID = try await api.order(api.fixture.signal("buy", quantity: "0.5", stopLoss: "45000"))

            let account = try await api.get("/api/v1/accounts", as: Account.self)
            #expect(account.id == (try await api.fixture.accountID))
            #expect(account.quoteCurrency == "USD")
            #expect(!account.allowShort)
            #expect([account.takerFeeBps, account.makerFeeBps, account.slippageBps] == ["10", "5", "5"])
            // 0.5 at 50000 + 5 bps = 50025: 25012.5 paid, and the taker fee 25.0125.
            #expect(account.balance("USD") == .init(asset: "USD", available: "74962.4875", locked: "0"))
            #expect(account.balance(base) == .init(asset: base, available: "0.5", locked: "0"))
            #expect(abs(account.createdAt.timeIntervalSinceNow) < 600)

            let orders = try await api.get("/api/v1/orders", as: Page<Order>.self)
            #expect(orders.data.map(\.id) == [orderID])
            #expect(orders.nextCursor == nil)
            let order = try await api.get("/api/v1/orders/\(orderID)", as: Order.self)
            #expect(order.accountID == account.id)
            #expect([order.symbol, order.side, order.type, order.status] == [symbol, "buy", "market", "filled"])
            #expect([order.quantity, order.filledQuantity, order.averagePrice, order.fees] == ["0.5", "0.5", "50025", "25.0125"])
            #expect(order.lockedAmount == nil)
            #expect(order.createdAt.flatMap(RFC3339.date(from:)) != nil && order.updatedAt.flatMap(RFC3339.date(from:)) != nil)

            let positions = try await api.get("/api/v1/positions", as: Page<Position>.self)
            let position = try #require(positions.data.first)
            #expect(positions.data.count == 1)
            #expect([position.symbol, position.side, position.status] == [symbol, "long", "open"])
            #expect([position.quantity, position.averageEntryPrice, position.realizedPnl] == ["0.5", "50025", "-25.0125"])
            #expect([position.markPrice, position.unrealizedPnl, position.stopLoss] == ["50025", "0", "45000"])
            #expect(position.openedAt.flatMap(RFC3339.date(from:)) != nil && position.closedAt == nil)
            #expect(try await api.get("/api/v1/positions/\(position.id)", as: Position.self).id == position.id)
            #expect(try await api.get("/api/v1/positions?status=open", as: Page<Position>.self).data.count == 1)
            #expect(try await api.get("/api/v1/positions?status=closed", as: Page<Position>.self).data.isEmpty)

            let fills = try await api.get("/api/v1/fills", as: Page<Fill>.self)
            let fill = try #require(fills.data.first)
            #expect(fills.data.count == 1)
            #expect(fill.orderID == orderID)
            #expect([fill.symbol, fill.side, fill.price, fill.quantity, fill.fee] == [symbol, "buy", "50025", "0.5", "25.0125"])
            #expect([fill.feeAsset, fill.liquidity] == ["USD", "taker"])
            #expect(try await api.get("/api/v1/fills?orderId=\(orderID)", as: Page<Fill>.self).data.count == 1)
            #expect(try await api.get("/api/v1/fills?orderId=\(UUID())", as: Page<Fill>.self).data.isEmpty)
            #expect(try await api.get("/api/v1/fills?symbol=\(symbol.lowercased())", as: Page<Fill>.self).data.count == 1)
            #expect(try await api.get("/api/v1/fills?symbol=NOPE-USD", as: Page<Fill>.self).data.isEmpty)

            // Another user: the same ids are 404s, their lists are empty, and they are told how to get an account.
            let other = api.otherKey
            for uri in ["/api/v1/orders/\(orderID)", "/api/v1/positions/\(position.id)"] {
                let response = try await api.call(.get, uri, key: other)
                #expect(response.status == .notFound)
                #expect(try response.problem.status == 404)
            }
            #expect(try await api.call(.post, "/api/v1/orders/\(orderID)/cancel", key: other).status == .notFound)
            #expect(try await api.call(.post, "/api/v1/positions/\(position.id)/close", key: other).status == .notFound)
            #expect(try await api.get("/api/v1/orders", as: Page<Order>.self, key: other).data.isEmpty)
            #expect(try await api.get("/api/v1/positions", as: Page<Position>.self, key: other).data.isEmpty)
            #expect(try await api.get("/api/v1/fills", as: Page<Fill>.self, key: other).data.isEmpty)
            let noAccount = try await api.call(.get, "/api/v1/accounts", key: other)
            #expect(noAccount.status == .notFound)
            #expect(try noAccount.problem.detail?.contains("ballast account create \(api.otherUser)") == true)
            #expect(try await api.call(.get, "/api/v1/accounts", key: "").status == .unauthorized)
            #expect(try await api.call(.get, "/api/v1/orders", key: "bal_nope").status == .unauthorized)
        }
    }

    @Test("cancel: a resting limit buy comes back canceled and its lock is released; a second cancel is 409")
    func cancel() async throws {
        try await Self.withAPI { api in
            let limitID = try await api.order(api.fixture.signal("buy", quantity: "1", orderType: "limit", price: "49000"))
            let filledID = try await api.order(api.fixture.signal("buy", quantity: "0.1"))
            // 49000 + 10 bps taker fee reserved = 49049.
            let before = try await api.get("/api/v1/accounts", as: Account.self).balance("USD")
            #expect(before?.locked == "49049")
            let resting = try await api.get("/api/v1/orders/\(limitID)", as: Order.self)
            #expect([resting.status, resting.limitPrice, resting.lockedAmount] == ["new", "49000", "49049"])
            #expect(try await api.get("/api/v1/orders?status=open", as: Page<Order>.self).data.map(\.id) == [limitID])

            let canceled = try await api.call(.post, "/api/v1/orders/\(limitID)/cancel")
            #expect(canceled.status == .ok)
            let order = try canceled.decode(Order.self)
            #expect([order.status, order.filledQuantity] == ["canceled", "0"])
            #expect(order.lockedAmount == nil)
            let after = try await api.get("/api/v1/accounts", as: Account.self).balance("USD")
            #expect(after?.locked == "0")
            // Only the 0.1 market buy spent anything: 0.1 × 50025 + its fee 5.0025.
            #expect(after?.available == "94992.4975")
            #expect(try await api.fixture.balancesMatchLedger())

            let again = try await api.call(.post, "/api/v1/orders/\(limitID)/cancel")
            #expect(again.status == .conflict)
            #expect(try again.problem.detail?.contains("canceled") == true)
            #expect(try await api.call(.post, "/api/v1/orders/\(filledID)/cancel").status == .conflict)
            #expect(try await api.call(.post, "/api/v1/orders/\(UUID())/cancel").status == .notFound)
            #expect(try await api.get("/api/v1/orders?status=open", as: Page<Order>.self).data.isEmpty)
            #expect(try await api.get("/api/v1/orders?status=canceled", as: Page<Order>.self).data.map(\.id) == [limitID])
            #expect(try await api.get("/api/v1/orders?status=filled", as: Page<Order>.self).data.map(\.id) == [filledID])
        }
    }

    @Test("close: the position comes back closed with its realized P&L and is listed as closed; no fresh price is a 503")
    func close() async throws {
        try await Self.withAPI { api in
            _ = try await api.order(api.fixture.signal("buy", quantity: "1.5"))
            let position = try #require(try await api.get("/api/v1/positions", as: Page<Position>.self).data.first)
            try await api.fixture.setPrice("51000")

            let response = try await api.call(.post, "/api/v1/positions/\(position.id)/close")
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let closed = try response.decode(Position.self)
            // Bought 1.5 at 50025 (fee 75.0375), sold at 51000 − 5 bps = 50974.5 (fee 76.46175).
            #expect([closed.status, closed.closeReason, closed.quantity] == ["closed", "manual", "0"])
            #expect(closed.realizedPnl == "1272.75075")
            let listed = try await api.get("/api/v1/positions?status=closed", as: Page<Position>.self).data
            #expect(listed.map(\.id) == [position.id])
            #expect(listed.first?.realizedPnl == "1272.75075")
            #expect(listed.first?.closeReason == "manual")
            #expect(listed.first?.closedAt.flatMap(RFC3339.date(from:)) != nil)
            #expect(try await api.get("/api/v1/positions?status=open", as: Page<Position>.self).data.isEmpty)
            let account = try await api.get("/api/v1/accounts", as: Account.self)
            #expect(account.balance("USD")?.available == "101272.75075")
            let exits = try await api.get("/api/v1/orders?status=filled", as: Page<Order>.self).data
            #expect(exits.first?.side == "sell")
            #expect(exits.first?.reason == "manual")
            #expect(try await api.get("/api/v1/fills", as: Page<Fill>.self).data.map(\.side) == ["sell", "buy"])

            // Closed, or unknown: 404.
            #expect(try await api.call(.post, "/api/v1/positions/\(position.id)/close").status == .notFound)
            #expect(try await api.call(.post, "/api/v1/positions/\(UUID())/close").status == .notFound)

            _ = try await api.order(api.fixture.signal("buy", quantity: "0.1"))
            let reopened = try #require(try await api.get("/api/v1/positions?status=open", as: Page<Position>.self).data.first)
            try await api.fixture.setPrice("51000", age: .seconds(120))
            let stale = try await api.call(.post, "/api/v1/positions/\(reopened.id)/close")
            #expect(stale.status == .serviceUnavailable)
            #expect(try stale.problem.detail?.contains("no fresh price for \(api.fixture.symbol)") == true)
            #expect(try await api.get("/api/v1/positions/\(reopened.id)", as: Position.self).status == "open")
        }
    }

    @Test("risk limits: PUT replaces them, GET returns them exactly, and the executor applies them; bad bodies name every bad field")
    func riskLimits() async throws {
        try await Self.withAPI { api in
            let empty = try await api.call(.get, "/api/v1/risk-limits")
            #expect(empty.status == .ok)
            #expect(String(buffer: empty.body) == #"{"tradingSessions":[]}"#)

            let limits = """
                {"maxOpenPositions": 3, "maxOpenPositionsPerSymbol": 1, "maxOrderNotional": "1000.50",
                 "maxPositionPercentOfEquity": 25, "maxTotalExposure": 1e5, "minOrderNotional": 0.00000001,
                 "defaultOrderNotional": "250.00",
                 "tradingSessions": [{"exchange": "NYSE", "timeZone": "America/New_York", "days": [1, 2, 3, 4, 5],
                                      "open": "09:30", "close": "16:00"}]}
                """
            let saved = try await api.call(.put, "/api/v1/risk-limits", json: limits)
            #expect(saved.status == .ok, "\(String(buffer: saved.body))")
            let expected = """
                {"defaultOrderNotional":"250","maxOpenPositions":3,"maxOpenPositionsPerSymbol":1,"maxOrderNotional":"1000.5",\
                "maxPositionPercentOfEquity":"25","maxTotalExposure":"100000","minOrderNotional":"0.00000001","tradingSessions":[{"close":"16:00","days":[1,2,3,4,5],\
                "exchange":"NYSE","open":"09:30","timeZone":"America/New_York"}]}
                """
            #expect(try Self.canonical(saved.body) == expected)
            #expect(try Self.canonical(try await api.call(.get, "/api/v1/risk-limits").body) == expected)
            // The executor reads them: 0.5 × 50000 is over the 1000.5 notional limit.
            let outcome = try await api.fixture.executor.execute(api.fixture.signal("buy", quantity: "0.5"))
            guard case .rejected(let reasons) = outcome else {
                Issue.record("expected a rejection, got \(outcome)")
                return
            }
            #expect(reasons.map(\.rule).contains("max_order_notional"))

            let bad = """
                {"maxOpenPositions": 0, "maxOpenPositionsPerSymbol": 1.5, "maxOrderNotional": "abc", "maxTotalExposure": -5,
                 "maxPositionPercentOfEquity": true, "minOrderNotional": "1,5", "bogus": 1,
                 "tradingSessions": [{"exchange": "NYSE", "timeZone": "Mars/Olympus", "days": [1], "open": "09:30", "close": "16:00"},
                                     {"exchange": "X", "days": "monday", "open": "9:30", "extra": 1}, 5]}
                """
            let refused = try await api.call(.put, "/api/v1/risk-limits", json: bad)
            #expect(refused.status == .badRequest)
            let problem = try refused.problem
            #expect(
                problem.names == [
                    "maxOpenPositions", "maxOpenPositionsPerSymbol", "maxOrderNotional", "maxTotalExposure", "maxPositionPercentOfEquity",
                    "minOrderNotional", "bogus", "tradingSessions[0]", "tradingSessions[1].extra", "tradingSessions[1].timeZone",
                    "tradingSessions[1].days", "tradingSessions[1].close", "tradingSessions[2]",
                ])
            #expect(problem.invalidParams?.first { $0.name == "tradingSessions[0]" }?.reason == "unknown time zone 'Mars/Olympus'")
            #expect(problem.invalidParams?.first { $0.name == "maxOpenPositions" }?.reason == "must be greater than 0")
            #expect(problem.invalidParams?.first { $0.name == "maxTotalExposure" }?.reason == "must be greater than 0")

            let minAboveMax = try await api.call(
                .put, "/api/v1/risk-limits", json: #"{"maxOrderNotional": "10", "minOrderNotional": "20"}"#)
            #expect(try minAboveMax.problem.names == ["minOrderNotional"])
            // A default size the limits would refuse would make every signal without a quantity fail.
            let defaultAboveMax = try await api.call(
                .put, "/api/v1/risk-limits", json: #"{"maxOrderNotional": "10", "defaultOrderNotional": "20"}"#)
            #expect(try defaultAboveMax.problem.names == ["defaultOrderNotional"])
            let defaultBelowMin = try await api.call(
                .put, "/api/v1/risk-limits", json: #"{"minOrderNotional": "10", "defaultOrderNotional": "5"}"#)
            #expect(try defaultBelowMin.problem.names == ["defaultOrderNotional"])
            #expect(try await api.call(.put, "/api/v1/risk-limits", json: "[]").problem.names == ["body"])
            #expect(try await api.call(.put, "/api/v1/risk-limits", json: "{").status == .badRequest)
            // Nothing refused was stored.
            #expect(try Self.canonical(try await api.call(.get, "/api/v1/risk-limits").body) == expected)

            // Absent and null limits are off.
            let cleared = try await api.call(.put, "/api/v1/risk-limits", json: #"{"maxOpenPositions": null, "maxTotalExposure": "5e3"}"#)
            #expect(try Self.canonical(cleared.body) == #"{"maxTotalExposure":"5000","tradingSessions":[]}"#)
            #expect(try Self.canonical(try await api.call(.get, "/api/v1/risk-limits").body) == (try Self.canonical(cleared.body)))

            // Without a paper account: 404 (after the body is checked).
            #expect(try await api.call(.get, "/api/v1/risk-limits", key: api.otherKey).status == .notFound)
            #expect(try await api.call(.put, "/api/v1/risk-limits", key: api.otherKey, json: "{}").status == .notFound)
            #expect(
                try await api.call(.put, "/api/v1/risk-limits", key: api.otherKey, json: #"{"maxOpenPositions": -1}"#).status
                    == .badRequest)
        }
    }

    @Test("bad query parameters are a 400 naming each; ids that are not UUIDs are 404 problems")
    func badParameters() async throws {
        try await Self.withAPI { api in
            let orders = try await api.call(.get, "/api/v1/orders?limit=0&status=weird&cursor=zzz&symbol=a%20b")
            #expect(orders.status == .badRequest)
            #expect(try orders.problem.names == ["limit", "status", "cursor", "symbol"])
            #expect(try await api.call(.get, "/api/v1/orders?limit=501").problem.names == ["limit"])
            #expect(try await api.call(.get, "/api/v1/orders?limit=abc").problem.names == ["limit"])
            #expect(try await api.call(.get, "/api/v1/positions?status=weird&limit=0").problem.names == ["status", "limit"])
            #expect(try await api.call(.get, "/api/v1/positions?status=filled").problem.names == ["status"])
            #expect(try await api.call(.get, "/api/v1/fills?orderId=nope&limit=-1").problem.names == ["orderId", "limit"])
            let cursor = "99999999999999999999_\(UUID())"
            #expect(try await api.call(.get, "/api/v1/fills?cursor=\(cursor)").problem.names == ["cursor"])
            for uri in [
                "/api/v1/orders/not-a-uuid", "/api/v1/positions/not-a-uuid", "/api/v1/orders/\(UUID())", "/api/v1/positions/\(UUID())",
            ] {
                let response = try await api.call(.get, uri)
                #expect(response.status == .notFound, "\(uri)")
                #expect(try response.problem.status == 404)
            }
            #expect(try await api.call(.post, "/api/v1/orders/not-a-uuid/cancel").status == .notFound)
            #expect(try await api.call(.post, "/api/v1/positions/not-a-uuid/close").status == .notFound)
        }
    }

    @Test("lists page newest first with nextCursor, like /signals, and filter by symbol")
    func pagination() async throws {
        try await Self.withAPI { api in
            var ids: [UUID] = []
            for quantity in ["0.1", "0.2", "0.3"] { ids.append(try await api.order(api.fixture.signal("buy", quantity: quantity))) }
            let first = try await api.get("/api/v1/orders?limit=2", as: Page<Order>.self)
            #expect(first.data.map(\.id) == [ids[2], ids[1]])
            let cursor = try #require(first.nextCursor)
            let second = try await api.get("/api/v1/orders?limit=2&cursor=\(cursor)", as: Page<Order>.self)
            #expect(second.data.map(\.id) == [ids[0]])
            #expect(second.nextCursor == nil)
            let exact = try await api.get("/api/v1/orders?limit=3", as: Page<Order>.self)
            #expect(exact.data.count == 3)
            #expect(exact.nextCursor == nil)

            let fills = try await api.get("/api/v1/fills?limit=1", as: Page<Fill>.self)
            #expect(fills.data.map(\.quantity) == ["0.3"])
            let rest = try await api.get("/api/v1/fills?limit=5&cursor=\(try #require(fills.nextCursor))", as: Page<Fill>.self)
            #expect(rest.data.map(\.quantity) == ["0.2", "0.1"])

            let symbol = api.fixture.symbol.lowercased()
            #expect(try await api.get("/api/v1/orders?symbol=\(symbol)", as: Page<Order>.self).data.count == 3)
            #expect(try await api.get("/api/v1/orders?symbol=NOPE-USD", as: Page<Order>.self).data.isEmpty)
            #expect(try await api.get("/api/v1/positions?symbol=\(symbol)", as: Page<Position>.self).data.count == 1)
        }
    }

    /// JSON text with its keys sorted, to compare documents.
    static func canonical(_ body: ByteBuffer) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body))
        return String(
            decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }
}
