import BallastCore
import BallastMarket
import BallastPortfolios
import BallastPostgres
import BallastRedis
import BallastUsers
import Foundation
import PostgresNIO
import Testing

@testable import BallastTrading

/// A user (with a USD trading account unless told otherwise), the portfolio and run stores, and the markets BTC-USD
/// and ETH-USD, on a fresh database.
struct PortfolioFixture {
    let database: PostgresClient
    let redis: RedisClient
    let store: PortfolioStore
    let runs: RebalanceRunStore
    let accounts: PaperAccountStore
    let userID: UUID
    let userName: String
    let users: UserStore

    static let logger = TestServers.logger

    static func with(
        tradingCash: Decimal? = 10_000, pricing: ExecutionPricing = ExecutionPricing(takerFeeBps: 20, makerFeeBps: 7, slippageBps: 3),
        _ body: @Sendable (PortfolioFixture) async throws -> Void
    ) async throws {
        try await TestDatabase.with { database, _ in
            let users = UserStore(database: database, logger: logger)
            let userName = TestServers.unique("owner")
            let userID = try await users.createUser(named: userName)
            let accounts = PaperAccountStore(database: database, logger: logger)
            if let tradingCash {
                _ = try await accounts.create(user: userName, quoteCurrency: "USD", startingCash: tradingCash, pricing: pricing)
            }
            try await database.query("INSERT INTO market_symbols (symbol) VALUES ('BTC-USD'), ('ETH-USD'), ('BTC-EUR')")
            let fixture = PortfolioFixture(
                database: database, redis: RedisClient(endpoint: try TestServers.redis),
                store: PortfolioStore(database: database, logger: logger), runs: RebalanceRunStore(database: database, logger: logger),
                accounts: accounts, userID: userID, userName: userName, users: users)
            try await body(fixture)
        }
    }

    /// Another user of the same database.
    func otherUser() async throws -> UUID {
        try await users.createUser(named: TestServers.unique("other"))
    }

    static func schedule(
        _ interval: PortfolioSchedule.Interval = .daily, cron: String? = nil, timeZone: String = "UTC"
    ) throws
        -> PortfolioSchedule
    {
        try PortfolioSchedule.make(interval: interval, cron: cron, timeZone: timeZone).get()
    }

    static func settings(
        _ name: String = "Core", quote: String = "USD", weights: [String: String] = ["BTC": "60", "ETH": "40"],
        method: RebalanceMethod = .drift, schedule: PortfolioSchedule? = nil, dryRun: Bool = false
    ) throws -> PortfolioSettings {
        PortfolioSettings(
            name: name, quoteCurrency: quote, targetWeights: weights.mapValues { FixedDecimal($0)! }, method: method,
            schedule: try schedule ?? Self.schedule(), dryRun: dryRun)
    }

    var tradingAccount: PaperAccount {
        get async throws { try #require(try await accounts.account(of: userID)) }
    }

    /// The available amount of `asset` in account `account` (0 without a row).
    func available(_ asset: String, in account: UUID) async throws -> Decimal {
        let rows = try await database.query("SELECT available FROM balances WHERE account_id = \(account) AND asset = \(asset)")
        for try await value in rows.decode(Decimal.self) { return value }
        return 0
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

    /// The types of the events in the outbox, in the order they were written.
    func events() async throws -> [String] {
        try await strings("SELECT type FROM outbox WHERE stream = 'ballast:events' ORDER BY id")
    }

    /// The `data` of the outbox rows on `stream`, parsed, in order.
    func messages(_ stream: String = StreamName.events) async throws -> [[String: Any]] {
        try await strings("SELECT data FROM outbox WHERE stream = \(stream) ORDER BY id").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
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
}

/// The instant an RFC 3339 timestamp names.
func at(_ text: String) -> Date { RFC3339.date(from: text)! }

func fixed(_ text: String) -> FixedDecimal { FixedDecimal(text)! }

/// The UUID a JSON value spells, in either case.
func uuid(_ value: Any?) -> UUID? { (value as? String).flatMap(UUID.init(uuidString:)) }

@Suite("Portfolios in PostgreSQL: funding, names, the trading account beside them, schedule, pause, delete, events")
struct PortfolioStoreTests {
    @Test("initial cash: a paper account of the portfolio's own, priced like the trading account, holding exactly that cash")
    func createWithInitialCash() async throws {
        try await PortfolioFixture.with { fixture in
            let now = at("2026-12-07T01:30:00.123Z")
            let portfolio = try await fixture.store.create(
                try PortfolioFixture.settings(), user: fixture.userID, funding: .initialCash(fixed("2500.12345678")), now: now)
            let trading = try await fixture.tradingAccount
            #expect(portfolio.accountID != trading.id)
            #expect(portfolio.userID == fixture.userID)
            #expect(portfolio.settings == (try PortfolioFixture.settings()))
            #expect(portfolio.nextRebalanceAt == nil)
            #expect(portfolio.paused == false && portfolio.overThreshold == false && portfolio.lastRebalancedAt == nil)
            #expect(try await fixture.available("USD", in: portfolio.accountID) == dec("2500.12345678"))
            #expect(try await fixture.available("USD", in: trading.id) == dec("10000"))
            #expect(
                try await fixture.strings(
                    "SELECT portfolio_id::text || ' ' || taker_fee_bps || ' ' || maker_fee_bps || ' ' || slippage_bps || ' ' || quote_currency FROM paper_accounts WHERE id = \(portfolio.accountID)"
                ) == ["\(portfolio.id.uuidString.lowercased()) 20 7 3 USD"])
            #expect(try await fixture.events() == [PortfolioEvent.created])
            let event = try #require(try await fixture.messages().first)
            #expect(event["event"] as? String == "portfolio.created")
            #expect(uuid(event["userId"]) == fixture.userID)
            let data = try #require(event["data"] as? [String: Any])
            #expect(uuid(data["id"]) == portfolio.id)
            #expect(uuid(data["accountId"]) == portfolio.accountID)
            #expect(data["targetWeights"] as? [String: String] == ["BTC": "60", "ETH": "40"])
            #expect(try await fixture.store.portfolio(portfolio.id, user: fixture.userID) == portfolio)
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("a transfer moves exactly that cash out of the owner's trading account into the portfolio's")
    func createWithTransfer() async throws {
        try await PortfolioFixture.with { fixture in
            let trading = try await fixture.tradingAccount
            let portfolio = try await fixture.store.create(
                try PortfolioFixture.settings(), user: fixture.userID, funding: .transfer(fixed("2500.00000001")))
            #expect(try await fixture.available("USD", in: trading.id) == dec("7499.99999999"))
            #expect(try await fixture.available("USD", in: portfolio.accountID) == dec("2500.00000001"))
            #expect(try await fixture.decimal("SELECT sum(available) FROM balances") == dec("10000"))
            #expect(try await fixture.balancesMatchLedger())
            #expect(try await fixture.events() == [PortfolioEvent.created])

            // All of it may go, no more.
            let second = try await fixture.store.create(
                try PortfolioFixture.settings("All"), user: fixture.userID, funding: .transfer(fixed("7499.99999999")))
            #expect(try await fixture.available("USD", in: trading.id) == 0)
            #expect(try await fixture.available("USD", in: second.accountID) == dec("7499.99999999"))
        }
    }

    @Test("a transfer of more than the trading account holds is refused and changes nothing")
    func transferInsufficient() async throws {
        try await PortfolioFixture.with { fixture in
            let trading = try await fixture.tradingAccount
            await #expect(throws: PortfolioStoreError.insufficientFunds(asset: "USD", available: dec("10000"))) {
                _ = try await fixture.store.create(
                    try PortfolioFixture.settings(), user: fixture.userID, funding: .transfer(fixed("10000.00000001")))
            }
            #expect(try await fixture.available("USD", in: trading.id) == dec("10000"))
            #expect(try await fixture.database.count("SELECT count(*) FROM portfolios") == 0)
            #expect(try await fixture.database.count("SELECT count(*) FROM paper_accounts") == 1)
            #expect(try await fixture.database.count("SELECT count(*) FROM ledger_entries") == 1)
            #expect(try await fixture.database.count("SELECT count(*) FROM outbox") == 0)
        }
    }

    @Test("a transfer of a negative amount is refused: it must not create cash in the trading account")
    func transferNegative() async throws {
        try await PortfolioFixture.with { fixture in
            let trading = try await fixture.tradingAccount
            await #expect(throws: (any Error).self) {
                _ = try await fixture.store.create(
                    try PortfolioFixture.settings(), user: fixture.userID, funding: .transfer(fixed("-500")))
            }
            await #expect(throws: (any Error).self) {
                _ = try await fixture.store.create(
                    try PortfolioFixture.settings(), user: fixture.userID, funding: .initialCash(fixed("-500")))
            }
            #expect(try await fixture.available("USD", in: trading.id) == dec("10000"))
            #expect(try await fixture.database.count("SELECT count(*) FROM portfolios") == 0)
            #expect(try await fixture.database.count("SELECT count(*) FROM ledger_entries") == 1)
            #expect(try await fixture.database.count("SELECT count(*) FROM outbox") == 0)
        }
    }

    @Test("every setting survives storage: band, relative threshold, minimum trade, max orders, dry run, cron and time zone")
    func settingsRoundTrip() async throws {
        try await PortfolioFixture.with { fixture in
            var settings = try PortfolioFixture.settings(
                "Ünïcödé \"quoted\" 🚀", weights: ["BTC": "33.33333333", "ETH": "66.66666667"], method: .hybrid,
                schedule: PortfolioFixture.schedule(.cron, cron: "15 */4 * * 1-5", timeZone: "America/New_York"), dryRun: true)
            settings.driftThreshold = fixed("2.5")
            settings.thresholdIsRelative = true
            settings.rebalanceTo = .band
            settings.minimumTradeValue = fixed("12.34567891")
            settings.maxOrders = 7
            let created = try await fixture.store.create(settings, user: fixture.userID, funding: .none, now: at("2026-12-07T01:30:00Z"))
            #expect(created.settings == settings)
            #expect(try await fixture.store.portfolio(created.id, user: fixture.userID)?.settings == settings)
            // 01:30Z is 20:30 on Sunday in New York: the next is Monday 00:15 there, 05:15Z.
            #expect(created.nextRebalanceAt == at("2026-12-07T05:15:00Z"))
        }
    }

    @Test("a transfer without a trading account is refused; without funding the portfolio's account is empty")
    func noTradingAccount() async throws {
        try await PortfolioFixture.with(tradingCash: nil) { fixture in
            await #expect(throws: PortfolioStoreError.noTradingAccount) {
                _ = try await fixture.store.create(try PortfolioFixture.settings(), user: fixture.userID, funding: .transfer(fixed("1")))
            }
            #expect(try await fixture.database.count("SELECT count(*) FROM paper_accounts") == 0)
            #expect(try await fixture.database.count("SELECT count(*) FROM outbox") == 0)

            let portfolio = try await fixture.store.create(try PortfolioFixture.settings(), user: fixture.userID, funding: .none)
            #expect(try await fixture.database.count("SELECT count(*) FROM balances") == 0)
            #expect(try await fixture.database.count("SELECT count(*) FROM ledger_entries") == 0)
            // Without a trading account to copy, the default pricing.
            #expect(
                try await fixture.strings(
                    "SELECT taker_fee_bps || ' ' || maker_fee_bps || ' ' || slippage_bps FROM paper_accounts WHERE id = \(portfolio.accountID)"
                )
                    == ["10 5 5"])
            #expect(try await fixture.events() == [PortfolioEvent.created])
        }
    }

    @Test("a name is taken case-insensitively by the owner's live portfolios only")
    func duplicateName() async throws {
        try await PortfolioFixture.with { fixture in
            let first = try await fixture.store.create(try PortfolioFixture.settings("Core"), user: fixture.userID, funding: .none)
            await #expect(throws: PortfolioStoreError.nameTaken("cORE")) {
                _ = try await fixture.store.create(
                    try PortfolioFixture.settings("cORE"), user: fixture.userID, funding: .initialCash(fixed("5")))
            }
            #expect(try await fixture.database.count("SELECT count(*) FROM portfolios") == 1)
            #expect(try await fixture.database.count("SELECT count(*) FROM paper_accounts") == 2)
            #expect(try await fixture.database.count("SELECT count(*) FROM ledger_entries") == 1)
            // Another user may use it.
            let other = try await fixture.otherUser()
            _ = try await fixture.store.create(try PortfolioFixture.settings("CORE"), user: other, funding: .none)
            // A rename onto another portfolio's name is refused; a change of case of its own is not.
            let second = try await fixture.store.create(try PortfolioFixture.settings("Second"), user: fixture.userID, funding: .none)
            await #expect(throws: PortfolioStoreError.nameTaken("core")) {
                _ = try await fixture.store.update(second.id, user: fixture.userID, settings: try PortfolioFixture.settings("core"))
            }
            #expect(
                try await fixture.store.update(first.id, user: fixture.userID, settings: try PortfolioFixture.settings("CORE"))?.name
                    == "CORE")
            // Deleted, the name is free again.
            #expect(try await fixture.store.delete(first.id, user: fixture.userID))
            let again = try await fixture.store.create(try PortfolioFixture.settings("core"), user: fixture.userID, funding: .none)
            #expect(again.name == "core")
        }
    }

    @Test("with portfolios, the user still has exactly one trading account, and signals, lookups and queries see only it")
    func tradingAccountBesidePortfolios() async throws {
        try await PortfolioFixture.with(tradingCash: nil) { fixture in
            let portfolio = try await fixture.store.create(
                try PortfolioFixture.settings(), user: fixture.userID, funding: .initialCash(fixed("1000")))
            _ = try await fixture.store.create(try PortfolioFixture.settings("Two"), user: fixture.userID, funding: .none)
            #expect(try await fixture.accounts.account(of: fixture.userID) == nil)
            #expect(try await TradingQueryStore(database: fixture.database, logger: TestServers.logger).account(of: fixture.userID) == nil)
            await #expect(throws: PaperAccountStore.Failure.noAccount(fixture.userName)) {
                _ = try await fixture.accounts.account(named: fixture.userName)
            }

            let trading = try await fixture.accounts.create(user: fixture.userName, quoteCurrency: "USD", startingCash: 5_000)
            await #expect(throws: PaperAccountStore.Failure.accountExists(fixture.userName)) {
                _ = try await fixture.accounts.create(user: fixture.userName, quoteCurrency: "USD", startingCash: 1)
            }
            #expect(try await fixture.accounts.account(of: fixture.userID)?.id == trading.id)
            #expect(try await fixture.accounts.account(named: fixture.userName).id == trading.id)
            let view = try await TradingQueryStore(database: fixture.database, logger: TestServers.logger).account(of: fixture.userID)
            #expect(view?.id == trading.id)
            #expect(view?.balances.map(\.available) == ["5000"])

            // A signal trades the trading account, never the portfolio's.
            let redis = fixture.redis
            let symbol = "Q\(UUID().uuidString.prefix(7).uppercased())-USD"
            try await fixture.database.query("INSERT INTO market_symbols (symbol) VALUES (\(symbol))")
            _ = try await redis.pipeline([
                RedisCommand("SET", MarketKeys.price(symbol), "100"),
                RedisCommand("SET", MarketKeys.priceTime(symbol), String(Date().epochMilliseconds)),
            ])
            let executor = SignalExecutor(
                database: fixture.database, prices: MarketPrices(redis: redis), settings: ExecutionSettings(), logger: TestServers.logger)
            let signal = SignalDocument(
                id: UUID(), sourceID: UUID(), userID: fixture.userID, exchange: nil, symbol: symbol, action: "buy", quantity: "2",
                price: nil, orderType: "market", stopLoss: nil, takeProfit: nil, strategy: nil, receivedAt: Date())
            let outcome = try await executor.execute(signal)
            guard case .ordered(_, .filled) = outcome else {
                Issue.record("expected a fill, got \(outcome)")
                return
            }
            #expect(try await fixture.strings("SELECT account_id::text FROM orders") == [trading.id.uuidString.lowercased()])
            // 2 × 100.05 + 0.2001 fee.
            #expect(try await fixture.available("USD", in: trading.id) == dec("5000") - dec("200.1") - dec("0.2001"))
            #expect(try await fixture.available("USD", in: portfolio.accountID) == dec("1000"))
            #expect(try await fixture.database.count("SELECT count(*) FROM paper_accounts WHERE user_id = \(fixture.userID)") == 3)
        }
    }

    @Test(
        "update keeps the stored next time while the schedule stays, and otherwise takes the schedule's next time, never now plus the interval"
    )
    func updateSchedule() async throws {
        try await PortfolioFixture.with { fixture in
            let created = try await fixture.store.create(
                try PortfolioFixture.settings(method: .scheduled, schedule: PortfolioFixture.schedule(.daily)), user: fixture.userID,
                funding: .none, now: at("2026-12-07T01:30:00Z"))
            #expect(created.nextRebalanceAt == at("2026-12-08T00:00:00Z"))

            // New weights, same schedule: the next time stays.
            var settings = try PortfolioFixture.settings(
                weights: ["BTC": "50", "ETH": "50"], method: .scheduled, schedule: PortfolioFixture.schedule(.daily))
            let reweighted = try #require(
                try await fixture.store.update(created.id, user: fixture.userID, settings: settings, now: at("2026-12-07T05:17:23Z")))
            #expect(reweighted.nextRebalanceAt == at("2026-12-08T00:00:00Z"))
            #expect(reweighted.settings.targetWeights == ["BTC": fixed("50"), "ETH": fixed("50")])
            #expect(reweighted.updatedAt == at("2026-12-07T05:17:23Z"))
            #expect(reweighted.createdAt == at("2026-12-07T01:30:00Z"))

            settings.schedule = try PortfolioFixture.schedule(.hourly)
            let hourly = try await fixture.store.update(
                created.id, user: fixture.userID, settings: settings, now: at("2026-12-07T05:17:23Z"))
            #expect(hourly?.nextRebalanceAt == at("2026-12-07T06:00:00Z"))

            settings.schedule = try PortfolioFixture.schedule(.cron, cron: "30 9 * * *", timeZone: "Europe/Berlin")
            let berlin = try await fixture.store.update(
                created.id, user: fixture.userID, settings: settings, now: at("2026-12-07T09:00:00Z"))
            #expect(berlin?.nextRebalanceAt == at("2026-12-08T08:30:00Z"))
            #expect(berlin?.settings.schedule.timeZone.identifier == "Europe/Berlin")

            settings.method = .drift
            let drift = try await fixture.store.update(
                created.id, user: fixture.userID, settings: settings, now: at("2026-12-07T10:00:00Z"))
            #expect(drift?.nextRebalanceAt == nil)
            settings.method = .hybrid
            settings.schedule = try PortfolioFixture.schedule(.weekly)
            let hybrid = try await fixture.store.update(
                created.id, user: fixture.userID, settings: settings, now: at("2026-12-07T10:00:00Z"))
            // 2026-12-07 is a Monday: the next Monday midnight.
            #expect(hybrid?.nextRebalanceAt == at("2026-12-14T00:00:00Z"))
            settings.schedule = try PortfolioFixture.schedule(.monthly)
            let monthly = try await fixture.store.update(
                created.id, user: fixture.userID, settings: settings, now: at("2026-12-31T23:59:59Z"))
            #expect(monthly?.nextRebalanceAt == at("2027-01-01T00:00:00Z"))

            #expect(
                try await fixture.events() == [
                    PortfolioEvent.created, PortfolioEvent.updated, PortfolioEvent.updated, PortfolioEvent.updated,
                    PortfolioEvent.updated, PortfolioEvent.updated, PortfolioEvent.updated,
                ])
            let stored = try await fixture.store.portfolio(created.id, user: fixture.userID)
            #expect(stored == monthly)
            // The last event carries the last state.
            let data = try #require(try await fixture.messages().last?["data"] as? [String: Any])
            #expect(data["method"] as? String == "hybrid")
            #expect(data["interval"] as? String == "monthly")
            #expect(data["nextRebalanceAt"] as? String == "2027-01-01T00:00:00.000Z")
        }
    }

    @Test("update refuses a new quote currency and changes nothing; another user's portfolio is not found")
    func updateRefused() async throws {
        try await PortfolioFixture.with { fixture in
            let created = try await fixture.store.create(try PortfolioFixture.settings(), user: fixture.userID, funding: .none)
            await #expect(throws: PortfolioStoreError.quoteCurrencyFixed) {
                _ = try await fixture.store.update(
                    created.id, user: fixture.userID, settings: try PortfolioFixture.settings("Euro", quote: "EUR", weights: ["BTC": "100"])
                )
            }
            let other = try await fixture.otherUser()
            #expect(try await fixture.store.update(created.id, user: other, settings: try PortfolioFixture.settings("Mine")) == nil)
            #expect(try await fixture.store.setPaused(created.id, user: other, paused: true) == nil)
            #expect(try await fixture.store.delete(created.id, user: other) == false)
            #expect(try await fixture.store.portfolio(created.id, user: other) == nil)
            #expect(try await fixture.store.portfolio(created.id, user: fixture.userID) == created)
            #expect(try await fixture.events() == [PortfolioEvent.created])
        }
    }

    @Test("pause keeps the next time and clears the drift finding; resume takes the schedule's next time from then; each once")
    func pauseResume() async throws {
        try await PortfolioFixture.with { fixture in
            let created = try await fixture.store.create(
                try PortfolioFixture.settings(method: .hybrid, schedule: PortfolioFixture.schedule(.hourly)), user: fixture.userID,
                funding: .none, now: at("2026-12-07T01:30:00Z"))
            try await fixture.database.query("UPDATE portfolios SET over_threshold = true WHERE id = \(created.id)")
            let paused = try #require(
                try await fixture.store.setPaused(created.id, user: fixture.userID, paused: true, now: at("2026-12-07T01:40:00Z")))
            #expect(paused.paused && !paused.overThreshold)
            #expect(paused.nextRebalanceAt == at("2026-12-07T02:00:00Z"))
            #expect(paused.updatedAt == at("2026-12-07T01:40:00Z"))
            let again = try await fixture.store.setPaused(created.id, user: fixture.userID, paused: true, now: at("2026-12-07T01:50:00Z"))
            #expect(again == paused)
            let resumed = try #require(
                try await fixture.store.setPaused(created.id, user: fixture.userID, paused: false, now: at("2026-12-07T04:10:00Z")))
            #expect(!resumed.paused)
            #expect(resumed.nextRebalanceAt == at("2026-12-07T05:00:00Z"))
            #expect(try await fixture.events() == [PortfolioEvent.created, PortfolioEvent.paused, PortfolioEvent.resumed])
            let data = try #require(try await fixture.messages()[1]["data"] as? [String: Any])
            #expect(data["paused"] as? Bool == true)
        }
    }

    @Test("delete hides the portfolio, fails its pending run, keeps its account and history, publishes portfolio.deleted")
    func deleteFailsPendingRun() async throws {
        try await PortfolioFixture.with { fixture in
            let created = try await fixture.store.create(
                try PortfolioFixture.settings(), user: fixture.userID, funding: .initialCash(fixed("100")))
            guard
                case .requested(let run) = try await fixture.runs.request(
                    portfolio: created.id, user: fixture.userID, trigger: .manual, dryRun: false)
            else {
                Issue.record("no run requested")
                return
            }
            let now = at("2026-12-07T02:00:00Z")
            #expect(try await fixture.store.delete(created.id, user: fixture.userID, now: now))
            let failed = try #require(try await fixture.runs.run(run.id, user: fixture.userID))
            #expect(failed.status == .failed)
            #expect(failed.finishedAt == now)
            #expect(failed.errors == ["the portfolio was deleted before the run started"])
            #expect(try await fixture.store.portfolio(created.id, user: fixture.userID) == nil)
            #expect(try await fixture.store.list(user: fixture.userID, after: nil, limit: 10).items.isEmpty)
            #expect(try await fixture.store.delete(created.id, user: fixture.userID) == false)
            #expect(try await fixture.store.update(created.id, user: fixture.userID, settings: try PortfolioFixture.settings()) == nil)
            #expect(
                try await fixture.runs.request(portfolio: created.id, user: fixture.userID, trigger: .manual, dryRun: false) == .notFound)
            #expect(try await fixture.available("USD", in: created.accountID) == dec("100"))
            #expect(
                try await fixture.runs.runs(portfolio: created.id, user: fixture.userID, after: nil, limit: 10)?.items.map(\.id) == [run.id]
            )
            // The run failed like any other: with its rebalance.failed event.
            #expect(try await fixture.events() == [PortfolioEvent.created, PortfolioEvent.rebalanceFailed, PortfolioEvent.deleted])
            let messages = try await fixture.messages()
            let data = try #require(messages.last?["data"] as? [String: Any])
            #expect(uuid(data["id"]) == created.id)
            let runData = try #require(messages.dropLast().last?["data"] as? [String: Any])
            #expect(uuid(runData["id"]) == run.id)
            #expect(runData["status"] as? String == "failed")
            #expect(runData["errors"] as? [String] == ["the portfolio was deleted before the run started"])
            #expect(runData["finishedAt"] as? String == "2026-12-07T02:00:00.000Z")
        }
    }

    @Test("concurrent creates: one name once whatever its case; transfers never take more than the trading account holds")
    func concurrentCreates() async throws {
        try await PortfolioFixture.with { fixture in
            let names = ["Race", "race", "RACE", "rAcE", "RaCe", "raCE", "RACe", "racE"]
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for name in names {
                    group.addTask {
                        do {
                            _ = try await fixture.store.create(try PortfolioFixture.settings(name), user: fixture.userID, funding: .none)
                            return "created"
                        } catch let error as PortfolioStoreError {
                            return error == .nameTaken(name) ? "taken" : "\(error)"
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.sorted() == ["created"] + Array(repeating: "taken", count: 7))
            #expect(try await fixture.database.count("SELECT count(*) FROM portfolios") == 1)

            let transfers = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        do {
                            _ = try await fixture.store.create(
                                try PortfolioFixture.settings("T\(index)"), user: fixture.userID, funding: .transfer(fixed("2000.5")))
                            return "moved"
                        } catch PortfolioStoreError.insufficientFunds {
                            return "refused"
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(transfers.sorted() == Array(repeating: "moved", count: 4) + Array(repeating: "refused", count: 4))
            #expect(try await fixture.available("USD", in: try await fixture.tradingAccount.id) == dec("1998"))
            #expect(try await fixture.decimal("SELECT sum(available) FROM balances") == dec("10000"))
            #expect(try await fixture.balancesMatchLedger())
            #expect(try await fixture.events().count == 5)
        }
    }

    @Test("list pages newest first, owner only")
    func listPages() async throws {
        try await PortfolioFixture.with { fixture in
            var created: [Portfolio] = []
            for index in 0..<3 {
                created.append(
                    try await fixture.store.create(
                        try PortfolioFixture.settings("P\(index)"), user: fixture.userID, funding: .none,
                        now: at("2026-12-07T01:0\(index):00Z")))
            }
            let first = try await fixture.store.list(user: fixture.userID, after: nil, limit: 2)
            #expect(first.items.map(\.name) == ["P2", "P1"])
            let cursor = try #require(first.next)
            let second = try await fixture.store.list(user: fixture.userID, after: cursor, limit: 2)
            #expect(second.items.map(\.name) == ["P0"])
            #expect(second.next == nil)
            #expect(try await fixture.store.list(user: try await fixture.otherUser(), after: nil, limit: 10).items.isEmpty)
            #expect(try await fixture.store.knownSymbols(["BTC-USD", "DOGE-USD", "ETH-USD"]) == ["BTC-USD", "ETH-USD"])
        }
    }
}

@Suite("Portfolio settings: the problems the API answers as 400s")
struct PortfolioSettingsProblemsTests {
    static let known: Set<String> = ["BTC-USD", "ETH-USD", "SOL-USD"]

    func problems(_ change: (inout PortfolioSettings) throws -> Void) throws -> [String] {
        var settings = try PortfolioFixture.settings()
        try change(&settings)
        return settings.problems(knownSymbols: Self.known).map(\.field)
    }

    func weights(_ weights: [String: String]) throws -> [String] {
        try problems { $0.targetWeights = weights.mapValues { FixedDecimal($0)! } }
    }

    @Test("weights sum to 100 within 0.01")
    func weightSum() throws {
        #expect(try weights(["BTC": "60", "ETH": "40"]) == [])
        #expect(try weights(["BTC": "60", "ETH": "39.995"]) == [])
        #expect(try weights(["BTC": "60", "ETH": "39.99"]) == [])
        #expect(try weights(["BTC": "60", "ETH": "40.01"]) == [])
        #expect(try weights(["BTC": "60", "ETH": "39.98"]) == ["targetWeights"])
        #expect(try weights(["BTC": "60", "ETH": "39.98999999"]) == ["targetWeights"])
        #expect(try weights(["BTC": "60", "ETH": "40.01000001"]) == ["targetWeights"])
        #expect(try weights(["BTC": "33.33", "ETH": "33.33", "SOL": "33.33"]) == [])
        #expect(try weights(["BTC": "33.33", "ETH": "33.33", "SOL": "33.32"]) == ["targetWeights"])
        #expect(try weights(["BTC": "33.333", "ETH": "33.333", "SOL": "33.333"]) == [])
        // Cash kept: the quote currency may have a weight, without a market.
        #expect(try weights(["BTC": "90", "USD": "10"]) == [])
        #expect(try weights([:]) == ["targetWeights"])
        var settings = try PortfolioFixture.settings(weights: ["BTC": "60", "ETH": "39.98"])
        let message = try #require(settings.problems(knownSymbols: Self.known).first?.message)
        #expect(message.contains("99.98"))
        settings.targetWeights = Dictionary(uniqueKeysWithValues: (0..<51).map { ("A\($0)", fixed("1")) })
        #expect(settings.problems(knownSymbols: []).map(\.field) == ["targetWeights"])
    }

    @Test("an unknown asset, a weight of 0 or above 100 name the asset")
    func assets() throws {
        #expect(try weights(["BTC": "60", "DOGE": "40"]) == ["targetWeights.DOGE"])
        #expect(try weights(["BTC": "100", "ETH": "0"]) == ["targetWeights.ETH"])
        #expect(try weights(["BTC": "100.00000001"]) == ["targetWeights.BTC"])
        #expect(try weights(["BTC": "100.5"]) == ["targetWeights.BTC", "targetWeights"])
        #expect(try weights(["BTC": "-10", "ETH": "110"]) == ["targetWeights.BTC", "targetWeights.ETH"])
        // BTC is known in USD, not in EUR.
        #expect(try problems { $0.quoteCurrency = "EUR" } == ["targetWeights.BTC", "targetWeights.ETH"])
    }

    @Test("the threshold is above 0 and at most 100; max orders 1 to 1000; the minimum trade value not negative")
    func numbers() throws {
        #expect(try problems { $0.driftThreshold = fixed("0") } == ["driftThreshold"])
        #expect(try problems { $0.driftThreshold = fixed("-1") } == ["driftThreshold"])
        #expect(try problems { $0.driftThreshold = fixed("0.00000001") } == [])
        #expect(try problems { $0.driftThreshold = fixed("100") } == [])
        #expect(try problems { $0.driftThreshold = fixed("100.00000001") } == ["driftThreshold"])
        #expect(try problems { $0.maxOrders = 0 } == ["maxOrders"])
        #expect(try problems { $0.maxOrders = -3 } == ["maxOrders"])
        #expect(try problems { $0.maxOrders = 1001 } == ["maxOrders"])
        #expect(try problems { $0.maxOrders = 1 } == [])
        #expect(try problems { $0.maxOrders = 1000 } == [])
        #expect(try problems { $0.maxOrders = nil } == [])
        #expect(try problems { $0.minimumTradeValue = fixed("0") } == [])
        #expect(try problems { $0.minimumTradeValue = fixed("-0.00000001") } == ["minimumTradeValue"])
    }

    @Test("a name is 1 to 100 characters on one line")
    func names() throws {
        #expect(try problems { $0.name = "" } == ["name"])
        #expect(try problems { $0.name = "   " } == ["name"])
        #expect(try problems { $0.name = "a\nb" } == ["name"])
        #expect(try problems { $0.name = "a\r\nb" } == ["name"])
        #expect(try problems { $0.name = "a\tb" } == ["name"])
        #expect(try problems { $0.name = "a\u{0}b" } == ["name"])
        #expect(try problems { $0.name = String(repeating: "x", count: 101) } == ["name"])
        #expect(try problems { $0.name = String(repeating: "x", count: 100) } == [])
        #expect(try problems { $0.name = "Core 🚀 – Index" } == [])
        // Several problems come in field order.
        #expect(
            try problems {
                $0.name = ""
                $0.targetWeights = ["BTC": fixed("50")]
                $0.driftThreshold = .zero
                $0.maxOrders = 0
            } == ["name", "targetWeights", "driftThreshold", "maxOrders"])
    }
}

@Suite("Valuing portfolios at the last prices in Redis")
struct PortfolioValuerTests {
    /// Assets no other test prices (Redis is shared).
    static func assets(_ count: Int) -> [String] {
        (0..<count).map { _ in "V" + String(UUID().uuidString.filter(\.isLetter).prefix(6)) }
    }

    static func setPrice(_ redis: RedisClient, _ symbol: String, _ price: String, milliseconds: Int64) async throws {
        _ = try await redis.pipeline([
            RedisCommand("SET", MarketKeys.price(symbol), price), RedisCommand("SET", MarketKeys.priceTime(symbol), String(milliseconds)),
        ])
    }

    @Test("holdings, fee rate and exact prices with their times; a missing price is left out and the planner names it")
    func missingPrice() async throws {
        try await PortfolioFixture.with { fixture in
            let names = Self.assets(2)
            let (a, b) = (names[0], names[1])
            try await fixture.database.query("INSERT INTO market_symbols (symbol) VALUES (\(a + "-USD")), (\(b + "-USD"))")
            let portfolio = try await fixture.store.create(
                try PortfolioFixture.settings(weights: [a: "70", b: "30"]), user: fixture.userID,
                funding: .initialCash(fixed("1000.5")))
            try await Self.setPrice(fixture.redis, a + "-USD", "123.456789019", milliseconds: 1_796_000_000_123)
            let valuer = PortfolioValuer(database: fixture.database, prices: MarketPrices(redis: fixture.redis), logger: TestServers.logger)
            let inputs = try await valuer.inputs(of: portfolio)
            #expect(inputs.quoteCurrency == "USD")
            #expect(inputs.cash == fixed("1000.5"))
            #expect(inputs.holdings == [:])
            #expect(inputs.targetWeights == [a: fixed("70"), b: fixed("30")])
            // Truncated to 8 places.
            #expect(inputs.prices == [a: AssetPrice(price: fixed("123.45678901"), at: Date(epochMilliseconds: 1_796_000_000_123))])
            // Taker 20 bps on a price 3 bps up (copied from the trading account): 1.0003 × 1.002 − 1 = 23.006 bps.
            #expect(inputs.settings.feeRate == fixed("0.0023006"))
            #expect(throws: PlanningError.missingPrice(asset: b)) { _ = try RebalancePlanner.plan(inputs) }

            // A price without its time is no price either.
            _ = try await fixture.redis.send(RedisCommand("SET", MarketKeys.price(b + "-USD"), "5"))
            #expect(try await valuer.inputs(of: portfolio).prices[b] == nil)
            try await Self.setPrice(fixture.redis, b + "-USD", "5", milliseconds: 1_796_000_000_000)
            let priced = try await valuer.inputs(of: portfolio)
            #expect(priced.prices[b] == AssetPrice(price: fixed("5"), at: Date(epochMilliseconds: 1_796_000_000_000)))
            let plan = try RebalancePlanner.plan(priced, now: Date(epochMilliseconds: 1_796_000_000_200))
            #expect(plan.orders.map(\.asset).sorted() == [a, b].sorted())
        }
    }

    @Test("an asset held but no longer targeted is priced too, so the plan can sell it")
    func heldAssetPriced() async throws {
        try await PortfolioFixture.with { fixture in
            let names = Self.assets(2)
            let (a, old) = (names[0], names[1])
            try await fixture.database.query("INSERT INTO market_symbols (symbol) VALUES (\(a + "-USD")), (\(old + "-USD"))")
            let portfolio = try await fixture.store.create(
                try PortfolioFixture.settings(weights: [a: "100"]), user: fixture.userID, funding: .initialCash(fixed("100")))
            try await fixture.database.transaction(logger: TestServers.logger) { connection in
                var locked = try #require(
                    try await LockedAccount.lock(id: portfolio.accountID, on: connection, logger: TestServers.logger))
                try locked.deposit(dec("2.5"), of: old)
                try await locked.write()
            }
            try await Self.setPrice(fixture.redis, a + "-USD", "10", milliseconds: 1_796_000_000_000)
            try await Self.setPrice(fixture.redis, old + "-USD", "40", milliseconds: 1_796_000_000_000)
            let valuer = PortfolioValuer(
                database: fixture.database, prices: MarketPrices(redis: fixture.redis), logger: TestServers.logger)
            let inputs = try await valuer.inputs(of: portfolio)
            #expect(inputs.holdings == [old: fixed("2.5")])
            #expect(inputs.prices[old]?.price == fixed("40"))
            let plan = try RebalancePlanner.plan(inputs, now: Date(epochMilliseconds: 1_796_000_000_000))
            #expect(plan.orders.first?.asset == old)
            #expect(plan.orders.first?.side == .sell)
            #expect(plan.orders.first?.quantity == fixed("2.5"))

            // The batch form prices held assets it is told of.
            let prices = try await valuer.assetPrices(for: [portfolio], heldAssets: [portfolio.id: [old]])
            #expect(prices[portfolio.id]?.keys.sorted() == [a, old].sorted())
        }
    }
}
