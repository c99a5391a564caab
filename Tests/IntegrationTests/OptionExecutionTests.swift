import BallastCore
import BallastMarket
import Foundation
import PostgresNIO
import Testing

@testable import BallastTrading

@Suite("Paper options: bought from the chain, marked, settled at expiry once, with real Postgres and Redis")
struct OptionExecutionTests {
    static let settings: ExecutionSettings = {
        var options = OptionSettings()
        options.volatility = 0.6
        return ExecutionSettings(options: options)
    }()

    static func executor(_ fixture: PaperTradingFixture) -> SignalExecutor {
        SignalExecutor(
            database: fixture.database, prices: MarketPrices(redis: fixture.redis), settings: settings, logger: TestServers.logger)
    }

    static func call(_ fixture: PaperTradingFixture, strikesAway: String? = "1", quantity: String? = "2") -> SignalDocument {
        var signal = fixture.signal("buy", quantity: quantity)
        signal.direction = "call"
        signal.strikesAway = strikesAway
        return signal
    }

    /// Buys 2 calls one strike out of the money at spot 50,000; returns the contract.
    static func buyCall(_ fixture: PaperTradingFixture) async throws -> OptionContract {
        let outcome = try await executor(fixture).execute(call(fixture))
        guard case .ordered(_, .filled) = outcome else { throw TestSetupError("the call was not bought: \(outcome)") }
        let symbol = try #require(try await fixture.strings("SELECT symbol FROM positions WHERE status = 'open'").first)
        return try #require(OptionContract(symbol: symbol))
    }

    /// market-data's one-minute candle of the underlying that ends at `expiry`, closing at `close`.
    static func candle(_ fixture: PaperTradingFixture, endingAt expiry: Date, close: String) async throws {
        let open = Int64((expiry.timeIntervalSince1970 * 1_000).rounded()) - 60_000
        try await fixture.database.query(
            """
            INSERT INTO candles (symbol, interval, open_time, close_time, open, high, low, close, volume, quote_volume, trade_count)
            VALUES (\(fixture.symbol), '1m', \(open), \(open + 59_999), \(close)::numeric, \(close)::numeric, \(close)::numeric,
                \(close)::numeric, 1, \(close)::numeric, 1)
            """)
    }

    static func settlement(_ fixture: PaperTradingFixture) -> OptionSettlement {
        OptionSettlement(database: fixture.database, settings: settings.options, logger: TestServers.logger)
    }

    @Test("a call with strikesAway 1 buys the next out-of-the-money call at the model's premium, paid through the ledger")
    func buysNextOutOfTheMoneyCall() async throws {
        try await PaperTradingFixture.with(cash: 100_000) { fixture in
            let contract = try await Self.buyCall(fixture)
            #expect(contract.kind == .call && contract.underlying == fixture.symbol)
            #expect(contract.strike == 50_500, "the smallest listed strike above the spot of 50,000 (step 500)")
            #expect(contract.expiry > Date() && contract.expiry.timeIntervalSinceNow < 2 * 86_400, "the nearest daily expiry")
            let premium = OptionPricing.premium(
                contract, underlyingPrice: 50_000, volatility: 0.6, rate: 0, model: .blackScholes, at: Date(),
                tick: Decimal(string: "0.01")!)
            let price = try #require(try await fixture.decimal("SELECT price FROM fills"))
            // Priced a moment apart: within a few cents of the premium plus 5 bps of slippage.
            #expect(abs(price - premium * Decimal(string: "1.0005")!) < 1, "\(price) against \(premium)")
            let fee = try #require(try await fixture.decimal("SELECT fee FROM fills"))
            #expect(try await fixture.balance("USD").available == 100_000 - (2 * price).rounded(.up) - fee)
            #expect(try await fixture.balance(contract.symbol).available == 2)
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test(
        "bad option signals are refused by rule: no contract on the chain, a past expiry, over the premium limit, a sell with no position")
    func refusals() async throws {
        try await PaperTradingFixture.with { fixture in
            let executor = Self.executor(fixture)
            func rule(_ signal: SignalDocument) async throws -> String? {
                guard case .rejected(let reasons) = try await executor.execute(signal) else { return nil }
                return reasons.first?.rule
            }
            #expect(try await rule(Self.call(fixture, strikesAway: "15")) == "no_contract", "10 strikes each side are listed")
            var past = Self.call(fixture)
            past.expiration = "2020-01-03"
            #expect(try await rule(past) == "no_contract")
            var sell = Self.call(fixture, strikesAway: nil)
            sell.action = "sell"
            #expect(try await rule(sell) == "no_position")
            try await RiskLimitsStore.save(
                RiskLimits(maxOptionPremium: 10), account: try await fixture.accountID, database: fixture.database,
                logger: TestServers.logger)
            #expect(try await rule(Self.call(fixture)) == "max_option_premium")
            #expect(try await fixture.database.count("SELECT count(*) FROM positions") == 0)
        }
    }

    @Test("an exit sells the call back; marking moves its unrealized P&L with the underlying")
    func exitAndMark() async throws {
        try await PaperTradingFixture.with { fixture in
            let contract = try await Self.buyCall(fixture)
            try await fixture.setPrice("52000")
            let marks = OptionMarks(
                database: fixture.database, prices: MarketPrices(redis: fixture.redis), settings: Self.settings, logger: TestServers.logger)
            #expect(try await marks.markAll(now: Date()) == 1)
            let unrealized = try #require(try await fixture.decimal("SELECT unrealized_pnl FROM positions"))
            #expect(unrealized > 0, "the call gained as the underlying rose: \(unrealized)")
            var exit = fixture.signal("exit", quantity: nil)
            exit.direction = "call"
            guard case .ordered(_, .filled) = try await Self.executor(fixture).execute(exit) else {
                Issue.record("the exit did not sell the call")
                return
            }
            #expect(try await fixture.strings("SELECT status FROM positions WHERE symbol = \(contract.symbol)") == ["closed"])
            #expect(try await fixture.balance(contract.symbol).available == 0)
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("at expiry the call settles once, in cash at intrinsic value from the underlying's price then; without that price it waits")
    func settlesAtExpiryOnce() async throws {
        try await PaperTradingFixture.with(cash: 100_000) { fixture in
            let contract = try await Self.buyCall(fixture)
            let settlement = Self.settlement(fixture)
            let after = contract.expiry.addingTimeInterval(60)
            let waiting = try await settlement.settleDue(now: after)
            #expect(waiting == .init(settled: 0, waiting: [contract.symbol]), "no price at expiry: it waits, never guesses")
            #expect(try await settlement.settleDue(now: Date()) == .init(settled: 0, waiting: []), "not due before expiry")

            try await Self.candle(fixture, endingAt: contract.expiry, close: "51234.5")
            let cashBefore = try await fixture.balance("USD").available
            // Two settlers at once (two signal-processor instances): one settles.
            async let first = settlement.settleDue(now: after)
            async let second = settlement.settleDue(now: after)
            let settled = try await first.settled + second.settled
            #expect(settled == 1)
            #expect(try await settlement.settleDue(now: after).settled == 0)
            // (51234.5 - 50500) × 1 per contract, 2 contracts, no fee.
            #expect(try await fixture.balance("USD").available == cashBefore + dec("1469"))
            #expect(try await fixture.balance(contract.symbol).available == 0)
            #expect(try await fixture.strings("SELECT close_reason FROM positions") == ["expired"])
            #expect(try await fixture.decimal("SELECT payout FROM option_settlements") == dec("1469"))
            let events = try await fixture.events()
            #expect(events.filter { $0 == "option.expired" }.count == 1 && events.last == "option.expired")
            #expect(events.filter { $0 == "position.closed" }.count == 1)
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("a worthless put expires at 0: the position closes with its premium lost, no cash moves")
    func worthlessExpiry() async throws {
        try await PaperTradingFixture.with { fixture in
            var put = Self.call(fixture)
            put.direction = "put"
            guard case .ordered = try await Self.executor(fixture).execute(put) else { throw TestSetupError("no put") }
            let symbol = try #require(try await fixture.strings("SELECT symbol FROM positions").first)
            let contract = try #require(OptionContract(symbol: symbol))
            #expect(contract.strike == 49_500)
            try await Self.candle(fixture, endingAt: contract.expiry, close: "50100")
            let cashBefore = try await fixture.balance("USD").available
            #expect(try await Self.settlement(fixture).settleDue(now: contract.expiry.addingTimeInterval(1)).settled == 1)
            #expect(try await fixture.balance("USD").available == cashBefore)
            let realized = try #require(try await fixture.decimal("SELECT realized_pnl FROM positions"))
            let paid = try #require(try await fixture.decimal("SELECT sum(price * quantity + fee) FROM fills WHERE side = 'buy'"))
            #expect(realized == -paid)
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("a settling job ended mid-run settles nothing; the next run settles once")
    func killedMidRun() async throws {
        try await PaperTradingFixture.with { fixture in
            let contract = try await Self.buyCall(fixture)
            try await Self.candle(fixture, endingAt: contract.expiry, close: "52000")
            let accountID = try await fixture.accountID
            let settlement = Self.settlement(fixture)
            // The account is held by another transaction, so the settler stops inside its own transaction, waiting for the
            // account's lock; then its statement is ended from outside (pg_cancel_backend), so its transaction fails where it
            // stands, as when its process dies there. The transaction is the only place it writes: it is rolled back whole.
            var ended = 0
            var runs: [Task<OptionSettlement.Outcome, any Error>] = []
            try await fixture.database.withTransaction(logger: TestServers.logger) { holder in
                try await holder.query("SELECT id FROM paper_accounts WHERE id = \(accountID) FOR UPDATE", logger: TestServers.logger)
                runs.append(Task { try await settlement.settleDue(now: contract.expiry.addingTimeInterval(1)) })
                for _ in 0..<600 where ended == 0 {
                    try await Task.sleep(for: .milliseconds(50))
                    ended = try await fixture.database.count(
                        """
                        SELECT count(pg_cancel_backend(pid))::int8 FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
                        """)
                }
            }
            #expect(ended == 1)
            #expect(await (try? runs[0].value) == nil, "the ended run fails")
            #expect(try await fixture.database.count("SELECT count(*)::int8 FROM option_settlements") == 0)
            #expect(try await settlement.settleDue(now: contract.expiry.addingTimeInterval(1)).settled == 1)
            #expect(try await settlement.settleDue(now: contract.expiry.addingTimeInterval(2)).settled == 0)
            #expect(try await fixture.database.count("SELECT count(*)::int8 FROM option_settlements") == 1)
            #expect(try await fixture.balancesMatchLedger())
        }
    }
}
