import BallastCore
import BallastRedis
import Foundation
import PostgresNIO
import Testing

@testable import BallastTrading

/// A paper account, a symbol with a last price in Redis, and the executor, on a fresh database.
struct PaperTradingFixture {
    let database: PostgresClient
    let redis: RedisClient
    let executor: SignalExecutor
    let accounts: PaperAccountStore
    let userID: UUID
    let userName: String
    let symbol: String

    static func with(
        cash: Decimal = 100_000, allowShort: Bool = false, account: Bool = true, trustSignalPrice: Bool = false,
        _ body: @Sendable (PaperTradingFixture) async throws -> Void
    ) async throws {
        try await TestDatabase.with { database, _ in
            let redis = RedisClient(endpoint: try TestServers.redis)
            let userName = TestServers.unique("trader")
            let rows = try await database.query("INSERT INTO users (name) VALUES (\(userName)) RETURNING id")
            var userID: UUID?
            for try await id in rows.decode(UUID.self) { userID = id }
            let accounts = PaperAccountStore(database: database, logger: TestServers.logger)
            if account {
                _ = try await accounts.create(
                    user: userName, quoteCurrency: "USD", startingCash: cash, allowShort: allowShort,
                    pricing: ExecutionPricing(takerFeeBps: 10, makerFeeBps: 5, slippageBps: 5), trustSignalPrice: trustSignalPrice
                )
            }
            // Redis is shared by the tests running at once: each fixture trades its own symbol.
            let symbol = "P\(UUID().uuidString.prefix(8).uppercased())-USD"
            try await database.query("INSERT INTO market_symbols (symbol) VALUES (\(symbol))")
            let fixture = PaperTradingFixture(
                database: database, redis: redis,
                executor: SignalExecutor(
                    database: database, prices: MarketPrices(redis: redis), settings: ExecutionSettings(), logger: TestServers.logger),
                accounts: accounts, userID: try #require(userID), userName: userName, symbol: symbol
            )
            try await fixture.setPrice("50000")
            try await body(fixture)
        }
    }

    func setPrice(_ price: String, age: Duration = .zero) async throws {
        let time = Date().epochMilliseconds - age.wholeMilliseconds
        _ = try await redis.pipeline([
            RedisCommand("SET", MarketKeys.price(symbol), price), RedisCommand("SET", MarketKeys.priceTime(symbol), String(time)),
        ])
    }

    func signal(
        _ action: String, quantity: String? = "0.5", symbol: String? = nil, orderType: String = "market", price: String? = nil,
        stopLoss: String? = nil, takeProfit: String? = nil, strategy: String? = nil, exchange: String? = nil
    ) -> SignalDocument {
        SignalDocument(
            id: UUID(), sourceID: UUID(), userID: userID, exchange: exchange, symbol: symbol ?? self.symbol, action: action,
            quantity: quantity,
            price: price, orderType: orderType, stopLoss: stopLoss, takeProfit: takeProfit, strategy: strategy, receivedAt: Date()
        )
    }

    var accountID: UUID {
        get async throws { try #require(try await accounts.account(of: userID)).id }
    }

    func balance(_ asset: String) async throws -> Balance {
        try await accounts.balances(of: accountID)[asset] ?? Balance(asset: asset, available: 0, locked: 0)
    }

    func decimal(_ query: PostgresQuery) async throws -> Decimal? {
        let rows = try await database.query(query)
        for try await value in rows.decode(Decimal?.self) { return value }
        return nil
    }

    func strings(_ query: PostgresQuery) async throws -> [String] {
        let rows = try await database.query(query)
        var values: [String] = []
        for try await value in rows.decode(String.self) { values.append(value) }
        return values
    }

    /// Every balance equals the sum of its ledger entries.
    func balancesMatchLedger() async throws -> Bool {
        let mismatches = try await database.count(
            """
            SELECT count(*) FROM balances b
            FULL JOIN (
                SELECT account_id, asset, sum(amount) FILTER (WHERE bucket = 'available') AS available,
                    sum(amount) FILTER (WHERE bucket = 'locked') AS locked
                FROM ledger_entries GROUP BY account_id, asset
            ) l USING (account_id, asset)
            WHERE coalesce(b.available, 0) <> coalesce(l.available, 0) OR coalesce(b.locked, 0) <> coalesce(l.locked, 0)
            """
        )
        return mismatches == 0
    }

    /// The event types in the outbox, in the order they were written.
    func events() async throws -> [String] {
        try await strings("SELECT type FROM outbox WHERE stream = 'ballast:events' ORDER BY id")
    }
}

func dec(_ text: String) -> Decimal { Decimal(string: text)! }

@Suite("Signals into paper orders, fills and positions, with real Postgres and Redis")
struct SignalExecutionTests {
    @Test("a market buy fills at the last price plus slippage, pays the taker fee, opens a position; redelivery changes nothing")
    func marketBuy() async throws {
        try await PaperTradingFixture.with { fixture in
            let signal = fixture.signal("buy", quantity: "0.5", stopLoss: "45000", takeProfit: "60000")
            let outcome = try await fixture.executor.execute(signal)
            guard case .ordered(_, let status) = outcome else {
                Issue.record("expected an order, got \(outcome)")
                return
            }
            #expect(status == .filled)
            // 50000 + 5 bps = 50025; fee 0.5 × 50025 × 10 bps = 25.0125.
            #expect(try await fixture.decimal("SELECT price FROM fills") == dec("50025"))
            #expect(try await fixture.decimal("SELECT fee FROM fills") == dec("25.0125"))
            #expect(try await fixture.balance("USD").available == dec("100000") - dec("25012.5") - dec("25.0125"))
            #expect(try await fixture.balance(String(fixture.symbol.prefix(9))).available == dec("0.5"))
            #expect(try await fixture.decimal("SELECT average_entry_price FROM positions WHERE status = 'open'") == dec("50025"))
            #expect(try await fixture.decimal("SELECT realized_pnl FROM positions") == dec("-25.0125"))
            #expect(try await fixture.decimal("SELECT stop_loss FROM positions") == dec("45000"))
            #expect(try await fixture.events() == ["order.created", "trade.executed", "order.filled", "position.opened"])
            #expect(try await fixture.strings("SELECT status FROM signal_decisions") == ["accepted"])

            #expect(try await fixture.executor.execute(signal) == .alreadyDecided)
            #expect(try await fixture.database.count("SELECT count(*) FROM fills") == 1)
            #expect(try await fixture.database.count("SELECT count(*) FROM orders") == 1)
            #expect(try await fixture.events().count == 4)
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("a sell closes the position with its realized P&L net of both fees; a larger sell without shorting is rejected")
    func sellCloses() async throws {
        try await PaperTradingFixture.with { fixture in
            _ = try await fixture.executor.execute(fixture.signal("buy", quantity: "1.5"))
            try await fixture.setPrice("51000")
            let tooMuch = try await fixture.executor.execute(fixture.signal("sell", quantity: "2.5"))
            guard case .rejected(let reasons) = tooMuch else {
                Issue.record("expected a rejection, got \(tooMuch)")
                return
            }
            #expect(reasons.contains(RiskViolation(rule: "short_selling", message: tooMuchMessage(fixture.symbol))))

            let outcome = try await fixture.executor.execute(fixture.signal("sell", quantity: "1.5"))
            guard case .ordered(_, .filled) = outcome else {
                Issue.record("expected a fill, got \(outcome)")
                return
            }
            // Bought 1.5 at 50025 (fee 75.0375), sold 1.5 at 51000 − 5 bps = 50974.5 (fee 76.46175).
            let realized = (dec("50974.5") - dec("50025")) * dec("1.5") - dec("75.0375") - dec("76.46175")
            #expect(realized == dec("1272.75075"))
            #expect(try await fixture.decimal("SELECT realized_pnl FROM positions WHERE status = 'closed'") == realized)
            #expect(try await fixture.strings("SELECT close_reason FROM positions") == ["signal"])
            #expect(try await fixture.balance("USD").available == dec("100000") + realized)
            #expect(try await fixture.events().suffix(4) == ["order.created", "trade.executed", "order.filled", "position.closed"])
            #expect(try await fixture.events().contains("signal.rejected"))
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    private func tooMuchMessage(_ symbol: String) -> String {
        "selling 1 \(symbol) beyond the position needs short selling, which this account does not allow"
    }

    @Test("with shorting allowed, a sell beyond the position flips it: the long closes and a short opens with the rest")
    func flip() async throws {
        try await PaperTradingFixture.with(allowShort: true) { fixture in
            _ = try await fixture.executor.execute(fixture.signal("buy", quantity: "1"))
            // Selling 2: 1 closes the long, 1 opens a short (its collateral is covered by the long's proceeds).
            _ = try await fixture.executor.execute(fixture.signal("sell", quantity: "2"))
            #expect(
                try await fixture.strings("SELECT side || ' ' || status FROM positions ORDER BY opened_at") == [
                    "long closed", "short open",
                ])
            #expect(try await fixture.decimal("SELECT quantity FROM positions WHERE status = 'open'") == dec("1"))
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test(
        "each failing rule rejects the signal with its reason, stores a rejected order, and publishes signal.rejected",
        arguments: [
            ("unknown symbol", "unknown_symbol"), ("stale price", "no_price"), ("too big", "sufficient_balance"),
            ("no quantity", "missing_quantity"), ("bad quantity", "invalid_quantity"), ("option", "no_volatility"),
            ("notional limit", "max_order_notional"), ("closed market", "trading_hours"), ("wrong currency", "currency_mismatch"),
        ]
    )
    func rejections(scenario: String, rule: String) async throws {
        try await PaperTradingFixture.with { fixture in
            var signal = fixture.signal("buy", quantity: "0.1")
            switch scenario {
            case "unknown symbol": signal.symbol = "NOPE-USD"
            case "stale price": try await fixture.setPrice("50000", age: .seconds(120))
            case "too big": signal.quantity = "3"
            case "no quantity": signal.quantity = nil
            case "bad quantity": signal.quantity = "-1"
            case "option": signal.direction = "call"
            case "notional limit":
                try await RiskLimitsStore.save(
                    RiskLimits(maxOrderNotional: 1_000), account: try await fixture.accountID, database: fixture.database,
                    logger: TestServers.logger)
            case "closed market":
                signal.exchange = "NYSE"
                // Open all day tomorrow (UTC), so closed now.
                let today = Int((Date().epochSeconds / 86_400 + 3) % 7) + 1
                let session = TradingSession(exchange: "nyse", timeZone: "UTC", days: [today % 7 + 1], open: "00:00", close: "23:59")
                try await RiskLimitsStore.save(
                    RiskLimits(tradingSessions: [session]), account: try await fixture.accountID, database: fixture.database,
                    logger: TestServers.logger)
            case "wrong currency":
                signal.symbol = "ETH-EUR"
                try await fixture.database.query("INSERT INTO market_symbols (symbol) VALUES ('ETH-EUR') ON CONFLICT DO NOTHING")
            default: Issue.record("unknown scenario")
            }
            let outcome = try await fixture.executor.execute(signal)
            guard case .rejected(let reasons) = outcome else {
                Issue.record("expected a rejection, got \(outcome)")
                return
            }
            #expect(reasons.map(\.rule).contains(rule), "\(reasons)")
            #expect(try await fixture.strings("SELECT status FROM signal_decisions") == ["rejected"])
            #expect(try await fixture.strings("SELECT reasons::text FROM signal_decisions").first?.contains(rule) == true)
            #expect(try await fixture.strings("SELECT jsonb_typeof(reasons) FROM signal_decisions") == ["array"])
            #expect(try await fixture.events() == ["signal.rejected"])
            #expect(try await fixture.database.count("SELECT count(*) FROM fills") == 0)
            let ordersExpected = ["no quantity", "bad quantity", "option"].contains(scenario) ? 0 : 1
            #expect(try await fixture.database.count("SELECT count(*) FROM orders WHERE status = 'rejected'") == ordersExpected)
            #expect(try await fixture.balance("USD").available == dec("100000"))
        }
    }

    @Test("a signal for a user without a paper account is rejected once, however often it is delivered")
    func noAccount() async throws {
        try await PaperTradingFixture.with(account: false) { fixture in
            let signal = fixture.signal("buy")
            let first = try await fixture.executor.execute(signal)
            #expect(first == .rejected([RiskViolation(rule: "no_account", message: "the user has no paper trading account")]))
            #expect(try await fixture.executor.execute(signal) == .alreadyDecided)
            #expect(try await fixture.events() == ["signal.rejected"])
        }
    }

    @Test("a limit buy below the market rests and locks its notional and fee")
    func restingLimit() async throws {
        try await PaperTradingFixture.with { fixture in
            let outcome = try await fixture.executor.execute(fixture.signal("buy", quantity: "1", orderType: "limit", price: "49000"))
            guard case .ordered(_, .new) = outcome else {
                Issue.record("expected a resting order, got \(outcome)")
                return
            }
            // 49000 + 10 bps fee reserved = 49049.
            #expect(try await fixture.balance("USD").locked == dec("49049"))
            #expect(try await fixture.balance("USD").available == dec("50951"))
            #expect(try await fixture.events() == ["order.created"])
            let created = try await fixture.strings("SELECT data FROM outbox WHERE type = 'order.created'")
            #expect(created.first?.contains(#""lockedAmount":"49049""#) == true)
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("an account that trusts signal prices fills a market order at the signal's price, even without a fresh last trade")
    func trustedSignalPrice() async throws {
        try await PaperTradingFixture.with(trustSignalPrice: true) { fixture in
            try await fixture.setPrice("50000", age: .seconds(600))
            let outcome = try await fixture.executor.execute(fixture.signal("buy", quantity: "1", price: "42000"))
            #expect(outcome != .alreadyDecided)
            // 42000 + 5 bps of slippage.
            #expect(try await fixture.decimal("SELECT price FROM fills") == dec("42021"))
            // Without a price of its own the signal still needs a fresh last trade.
            let unpriced = try await fixture.executor.execute(fixture.signal("buy", quantity: "1"))
            guard case .rejected(let reasons) = unpriced else {
                Issue.record("expected a rejection, got \(unpriced)")
                return
            }
            #expect(reasons.map(\.rule) == ["no_price"])
        }
    }
}
