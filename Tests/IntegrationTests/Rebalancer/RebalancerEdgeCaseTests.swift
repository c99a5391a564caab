import BallastCore
import BallastMarket
import BallastPortfolios
import BallastRedis
import Foundation
import PostgresNIO
import Testing

@testable import BallastTrading
@testable import Rebalancer

/// The rebalancer where runs, crossings and owners meet: previews, pauses, deletes, low prices, concurrent changes.
@Suite(
    "Rebalancer edge cases: crossings, runs of deleted or paused portfolios, low prices, concurrent changes, with real Postgres and Redis")
struct RebalancerEdgeCaseTests {
    private static func eventCount(_ type: String, _ fixture: RebalancerFixture) async throws -> Int {
        try await fixture.count("SELECT count(*) FROM outbox WHERE stream = 'ballast:events' AND type = \(type)")
    }

    /// A run that traded does not end the crossing; the monitor does, once the portfolio is back inside its band.
    @Test("a run held back by maxOrders leaves the crossing reported once: the next scan asks for no second run")
    func partialRunKeepsCrossing() async throws {
        try await RebalancerFixture.with { fixture in
            try await fixture.database.query("UPDATE portfolios SET max_orders = 1 WHERE id = \(fixture.portfolio.id)")
            // All cash: both assets 50 points under target. One crossing, one run.
            #expect(try await fixture.monitor.scan().runsRequested == 1)
            try await fixture.executePending()
            let run = try #require(try await fixture.runs(status: "completed").first)
            #expect(run.ordersExecuted == 1)
            // Half cash, half one asset: the other asset is still 50 points under its target. Still the same crossing.
            let outcome = try await fixture.monitor.scan()
            #expect(outcome.over == 1)
            #expect(outcome.runsRequested == 0)
            let events = try await Self.eventCount("drift.threshold_exceeded", fixture)
            #expect(events == 1)
        }
    }

    /// A failed drift run traded nothing: the drift it was for must not be forgotten while it lasts.
    @Test("a failed drift run ends its crossing, so the next scan that still finds the drift asks again")
    func failedDriftRunAsksAgain() async throws {
        try await RebalancerFixture.with(environment: ["BALLAST_REBALANCE_MAX_PRICE_AGE_SECONDS": "60"]) { fixture in
            #expect(try await fixture.monitor.scan().runsRequested == 1)
            // The price feed lags just when the run starts: the run fails, nothing traded.
            try await fixture.setPrice(fixture.second, "50", age: .seconds(600))
            try await fixture.executePending()
            #expect(try await fixture.runs(status: "failed").count == 1)
            // Prices fresh again; the portfolio is all cash, 50 points under each target.
            try await fixture.setPrice(fixture.second, "50")
            var requested = 0
            for _ in 0..<3 {
                let outcome = try await fixture.monitor.scan()
                #expect(outcome.over == 1)
                requested += outcome.runsRequested
            }
            #expect(requested >= 1)
            #expect(try await fixture.balance("USD") == 10_000)
        }
    }

    /// A change of settings ends a reported crossing, so the portfolio is weighed again by the new ones.
    @Test("a change of settings ends the crossing: with dryRun off, the next scan brings a real run")
    func settingsChangeEndsCrossing() async throws {
        try await RebalancerFixture.with { fixture in
            try await fixture.database.query("UPDATE portfolios SET dry_run = true WHERE id = \(fixture.portfolio.id)")
            #expect(try await fixture.monitor.scan().runsRequested == 1)
            try await fixture.executePending()
            #expect(try await fixture.runs(status: "completed").first?.dryRun == true)
            let store = PortfolioStore(database: fixture.database, logger: TestServers.logger)
            let current = try #require(try await store.portfolio(fixture.portfolio.id, user: fixture.userID))
            var settings = current.settings
            settings.dryRun = false
            _ = try await store.update(fixture.portfolio.id, user: fixture.userID, settings: settings)
            var requested = 0
            for _ in 0..<3 { requested += try await fixture.monitor.scan().runsRequested }
            #expect(requested == 1)
            #expect(try await fixture.balance("USD") == 10_000)
        }
    }

    /// The run reads the portfolio again under its lock, after the account's: a DELETE that came first wins.
    @Test("a portfolio deleted while its run waits for the account is not traded: the run fails")
    func deleteDuringRunIsNotTraded() async throws {
        try await RebalancerFixture.with { fixture in
            #expect(try await fixture.monitor.scan().runsRequested == 1)
            let run = try #require(try await fixture.runs(status: "pending").first)
            let accountID = fixture.portfolio.accountID
            let database = fixture.database
            // Something else (a transfer, another transaction) holds the portfolio's account for a moment.
            let holder = Task {
                try await database.transaction(logger: TestServers.logger) { connection in
                    try await connection.query(
                        "SELECT 1 FROM paper_accounts WHERE id = \(accountID) FOR UPDATE", logger: TestServers.logger)
                    try await Task.sleep(for: .milliseconds(1_500))
                }
            }
            try await Task.sleep(for: .milliseconds(200))
            let executor = fixture.executor
            let portfolioID = fixture.portfolio.id
            let running = Task { try await executor.execute(RebalanceRequest(runID: run.id, portfolioID: portfolioID)) }
            // The run has read its portfolio and waits for the account: the owner deletes the portfolio.
            try await Task.sleep(for: .milliseconds(500))
            let store = PortfolioStore(database: fixture.database, logger: TestServers.logger)
            #expect(try await store.delete(fixture.portfolio.id, user: fixture.userID))
            try await holder.value
            try await running.value
            let orders = try await fixture.count("SELECT count(*) FROM orders WHERE account_id = \(accountID)")
            let status = try await fixture.runs.status(of: run.id)
            #expect(orders == 0)
            #expect(status == .failed)
        }
    }

    /// A crossing that cannot get a run (another is active) is neither marked nor reported.
    @Test("a crossing found while a manual preview is active is found again after it, and gets a real run")
    func crossingDuringPreviewIsKept() async throws {
        try await RebalancerFixture.with { fixture in
            let preview = try await fixture.runs.request(
                portfolio: fixture.portfolio.id, user: fixture.userID, trigger: .manual, dryRun: true)
            guard case .requested = preview else {
                Issue.record("expected a requested run, got \(preview)")
                return
            }
            // All cash: a crossing, found while the preview waits.
            let first = try await fixture.monitor.scan()
            #expect(first.over == 1 && first.runsRequested == 0)
            try await fixture.executePending()
            #expect(try await fixture.runs(status: "completed").first?.dryRun == true)
            var requested = 0
            for _ in 0..<3 { requested += try await fixture.monitor.scan().runsRequested }
            #expect(requested == 1)
            #expect(try await fixture.count("SELECT count(*) FROM orders") == 0)
        }
    }

    /// A portfolio whose run is active stays due until that run is over.
    @Test("a scheduled time that finds a manual preview active waits for it instead of being skipped")
    func scheduleWaitsForPreview() async throws {
        try await RebalancerFixture.with(method: .scheduled, interval: .monthly) { fixture in
            let next = try #require(fixture.portfolio.nextRebalanceAt)
            let preview = try await fixture.runs.request(
                portfolio: fixture.portfolio.id, user: fixture.userID, trigger: .manual, dryRun: true)
            guard case .requested = preview else {
                Issue.record("expected a requested run, got \(preview)")
                return
            }
            // Not due while the preview is active: the scheduled run waits for it, at the next tick.
            let due = try await fixture.monitorStore.requestDue(now: next.addingTimeInterval(30), dryRun: false, limit: 10)
            #expect(due.due == 0)
            try await fixture.executePending()
            let later = try await fixture.monitorStore.requestDue(now: next.addingTimeInterval(90), dryRun: false, limit: 10)
            let scheduled = due.runs.count + later.runs.count
            #expect(scheduled == 1)
            #expect(try await fixture.count("SELECT count(*) FROM orders") == 0)
        }
    }

    /// A unit of a low-priced asset is worth almost nothing: cutting a buy one unit at a time until the cash paid its
    /// rounded-up notional and fee took millions of steps under the account lock. The cut is a search now; the
    /// quantity it finds is the largest the cash pays.
    @Test("a cash-limited buy of a low-priced asset is cut to the largest quantity the cash pays")
    func lowPriceBuyCut() async throws {
        try await PaperTradingFixture.with(cash: 1) { fixture in
            let accountID = try await fixture.accountID
            let logger = TestServers.logger
            let result = try await fixture.database.transaction(logger: logger) { connection in
                var locked = try #require(try await LockedAccount.lock(id: accountID, on: connection, logger: logger))
                let ticket = MarketOrderTicket(
                    clientOrderID: "dust", symbol: fixture.symbol, side: .buy, quantity: Decimal(string: "100000000")!,
                    strategy: "portfolio")
                return try locked.placeMarketOrder(ticket, reference: Decimal(string: "0.000001")!, now: Date())
            }
            #expect(result.status == .filled)
            let pricing = ExecutionPricing(takerFeeBps: 10, makerFeeBps: 5, slippageBps: 5)
            let price = try #require(result.price)
            let unit = Decimal(string: "0.00000001")!
            #expect(pricing.buyReservation(quantity: result.filledQuantity, price: price) <= 1)
            #expect(pricing.buyReservation(quantity: result.filledQuantity + unit, price: price) > 1)
            #expect(try await fixture.balance("USD").available >= 0)
        }
    }

    /// The same through a whole run of two assets at 0.000001: both buys filled, cash never below zero.
    @Test("a rebalance buying low-priced assets fills both buys and keeps cash at or above zero")
    func lowPriceRebalance() async throws {
        try await RebalancerFixture.with { fixture in
            try await fixture.setPrice(fixture.first, "0.000001")
            try await fixture.setPrice(fixture.second, "0.000001")
            #expect(try await fixture.monitor.scan().runsRequested == 1)
            try await fixture.executePending()
            let run = try #require(try await fixture.runs().first)
            #expect(run.status == .completed && run.ordersExecuted == 2, "\(run.errors)")
            #expect(try await fixture.balance("USD") >= 0)
        }
    }

    /// Paused means nothing trades but what the owner asks for by hand.
    @Test("a drift run asked for before the owner paused the portfolio fails instead of trading")
    func pausedPortfolioIsNotTraded() async throws {
        try await RebalancerFixture.with { fixture in
            #expect(try await fixture.monitor.scan().runsRequested == 1)
            let store = PortfolioStore(database: fixture.database, logger: TestServers.logger)
            #expect(try await store.setPaused(fixture.portfolio.id, user: fixture.userID, paused: true)?.paused == true)
            try await fixture.executePending()
            let orders = try await fixture.count("SELECT count(*) FROM orders WHERE account_id = \(fixture.portfolio.accountID)")
            #expect(orders == 0)
        }
    }

    /// A partial change is made from what it read; one stored meanwhile is not overwritten.
    @Test("two changes of different fields made from one read: the second is refused and made again, both stay")
    func concurrentChangesBothStay() async throws {
        try await RebalancerFixture.with { fixture in
            let store = PortfolioStore(database: fixture.database, logger: TestServers.logger)
            let id = fixture.portfolio.id
            // Both requests read the portfolio first (controller line 123)...
            let readByRename = try #require(try await store.portfolio(id, user: fixture.userID))
            let readByThreshold = try #require(try await store.portfolio(id, user: fixture.userID))
            var renamed = readByRename.settings
            renamed.name = "renamed"
            var tightened = readByThreshold.settings
            tightened.driftThreshold = RebalancerFixture.fixed("2")
            // ...then each replaces every setting, made from what it read: the second is refused, made again from the
            // stored portfolio, and both changes stay (as the controller does it).
            _ = try await store.update(id, user: fixture.userID, settings: renamed, unchangedSince: readByRename.updatedAt)
            await #expect(throws: PortfolioStoreError.changedMeanwhile) {
                try await store.update(id, user: fixture.userID, settings: tightened, unchangedSince: readByThreshold.updatedAt)
            }
            let reread = try #require(try await store.portfolio(id, user: fixture.userID))
            var again = reread.settings
            again.driftThreshold = RebalancerFixture.fixed("2")
            _ = try await store.update(id, user: fixture.userID, settings: again, unchangedSince: reread.updatedAt)
            let final = try #require(try await store.portfolio(id, user: fixture.userID))
            #expect(final.settings.driftThreshold == RebalancerFixture.fixed("2"))
            #expect(final.settings.name == "renamed")
        }
    }
}
