import BallastCore
import BallastMarket
import BallastPortfolios
import BallastRedis
import Foundation
import PostgresNIO
import Testing

@testable import BallastTrading
@testable import Rebalancer

/// Review of issue 18 (portfolios and rebalancing): each test shows one defect, wrapped in `withKnownIssue` so the
/// suite stays green until it is fixed.
@Suite("Issue 18 review: rebalancer defects, with real Postgres and Redis")
struct Issue18ReviewTests {
    private static func eventCount(_ type: String, _ fixture: RebalancerFixture) async throws -> Int {
        try await fixture.count("SELECT count(*) FROM outbox WHERE stream = 'ballast:events' AND type = \(type)")
    }

    /// RebalanceRunStore.finish sets `over_threshold = false` for every completed run that traded, whether or not the
    /// portfolio is back inside its band. A run held back by `maxOrders` (or cash, or the minimum trade) leaves it
    /// outside: the next scan takes that as a new crossing, publishes `drift.threshold_exceeded` again and requests
    /// another run, on every scan until the portfolio is inside. The portfolio never went back inside its band.
    @Test("a run that traded but left the portfolio outside its band makes the next scan report the same crossing again")
    func partialRunRepeatsCrossing() async throws {
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
            withKnownIssue("review: finish clears over_threshold though the portfolio is still outside its band") {
                #expect(outcome.runsRequested == 0)
            }
            let events = try await Self.eventCount("drift.threshold_exceeded", fixture)
            withKnownIssue("review: drift.threshold_exceeded twice for one crossing") {
                #expect(events == 1)
            }
        }
    }

    /// A drift run that fails (a price stale at run time, every order rejected, an abandoned run) leaves
    /// `over_threshold` true: the monitor never asks again while the portfolio stays outside its band, so the
    /// drift-triggered rebalance is lost until prices happen to bring it back inside and out again.
    @Test("a failed drift run leaves the portfolio outside its band with no run ever asked for again")
    func failedDriftRunIsNeverRetried() async throws {
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
            withKnownIssue("review: a failed drift run is never followed by another while the drift lasts") {
                #expect(requested >= 1)
            }
            #expect(try await fixture.balance("USD") == 10_000)
        }
    }

    /// `RebalanceRunStore.finish` leaves `over_threshold` set after a completed dry run ("a dry run does not end a
    /// drift crossing") and `PortfolioStore.update` never clears it. An owner who watched dry runs and then turns
    /// `dryRun` off gets no real rebalance while the drift lasts: the crossing was already reported.
    @Test("turning a portfolio's dryRun off after a dry-run crossing never brings a real run while the drift lasts")
    func dryRunOffNeverRebalances() async throws {
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
            withKnownIssue("review: over_threshold survives the change to dryRun false; no real run") {
                #expect(requested == 1)
            }
            #expect(try await fixture.balance("USD") == 10_000)
        }
    }

    /// `RunExecutor.rebalance` reads the portfolio before its transaction and never checks it again: the account lock
    /// and `finish` do not look at `deleted_at`. A `DELETE` that lands while the run waits for the account (or plans)
    /// answers 204, yet the run then trades the deleted portfolio's account and stamps `last_rebalanced_at` on it;
    /// the README says deleting a portfolio "stops its monitoring and runs".
    @Test("a run under way when its portfolio is deleted still trades it after the DELETE succeeded")
    func deleteDuringRunStillTrades() async throws {
        try await RebalancerFixture.with { fixture in
            #expect(try await fixture.monitor.scan().runsRequested == 1)
            let run = try #require(try await fixture.runs(status: "pending").first)
            let accountID = fixture.portfolio.accountID
            let database = fixture.database
            // Something else (a transfer, another transaction) holds the portfolio's account for a moment.
            let holder = Task {
                try await database.withConnection { connection in
                    try await connection.query("BEGIN")
                    try await connection.query("SELECT 1 FROM paper_accounts WHERE id = \(accountID) FOR UPDATE")
                    try await Task.sleep(for: .milliseconds(1_500))
                    try await connection.query("COMMIT")
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
            withKnownIssue("review: a deleted portfolio is traded by the run already under way") {
                #expect(orders == 0)
                #expect(status == .failed)
            }
        }
    }

    /// A manual dry run (a preview) that is pending or running when the portfolio crosses its threshold takes the
    /// crossing's place: `record` marks the crossing and publishes the event with no run (the one active run is the
    /// preview), the preview trades nothing and so does not end the crossing, and no real run is ever asked for
    /// while the drift lasts.
    @Test("a drift crossing while a manual dry run is active never gets a real run")
    func crossingDuringPreviewIsLost() async throws {
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
            withKnownIssue("review: the crossing went to a dry run; no real rebalance while the drift lasts") {
                #expect(requested == 1)
            }
            #expect(try await fixture.count("SELECT count(*) FROM orders") == 0)
        }
    }

    /// `requestDue` moves `next_rebalance_at` on even when the portfolio's active run is a manual dry run: the
    /// scheduled (real) rebalance is skipped until the next fire time, a month later for a monthly portfolio.
    @Test("a scheduled time that finds a manual dry run active is skipped: no real run until the next time")
    func scheduledDuringPreviewIsLost() async throws {
        try await RebalancerFixture.with(method: .scheduled, interval: .monthly) { fixture in
            let next = try #require(fixture.portfolio.nextRebalanceAt)
            let preview = try await fixture.runs.request(
                portfolio: fixture.portfolio.id, user: fixture.userID, trigger: .manual, dryRun: true)
            guard case .requested = preview else {
                Issue.record("expected a requested run, got \(preview)")
                return
            }
            let due = try await fixture.monitorStore.requestDue(now: next.addingTimeInterval(30), dryRun: false, limit: 10)
            #expect(due.due == 1)
            try await fixture.executePending()
            let later = try await fixture.monitorStore.requestDue(now: next.addingTimeInterval(90), dryRun: false, limit: 10)
            let scheduled = due.runs.count + later.runs.count
            withKnownIssue("review: the month's scheduled rebalance was swallowed by a dry-run preview") {
                #expect(scheduled == 1)
            }
            #expect(try await fixture.count("SELECT count(*) FROM orders") == 0)
        }
    }

    /// `LockedAccount.placeMarketOrder` cuts a buy the cash cannot pay by one unit of the last decimal at a time
    /// until it fits. At a low price a unit is worth almost nothing: the round-ups of the notional and the fee (up to
    /// 2e-8 of cash) take about 2 / price steps to undo, all while the account's row lock is held (and the Redis lock
    /// extended). At 0.000001 that is some two million `Decimal` multiplications for one order; at 0.00000001, two
    /// hundred million: a run that never ends.
    @Test("a cash-limited buy of a low-priced asset spins one unit at a time under the account lock")
    func lowPriceBuyCutIsSlow() async throws {
        try await PaperTradingFixture.with(cash: 1) { fixture in
            let accountID = try await fixture.accountID
            let logger = TestServers.logger
            let elapsed = try await fixture.database.transaction(logger: logger) { connection -> Duration in
                var locked = try #require(try await LockedAccount.lock(id: accountID, on: connection, logger: logger))
                let ticket = MarketOrderTicket(
                    clientOrderID: "dust", symbol: fixture.symbol, side: .buy, quantity: Decimal(string: "100000000")!, strategy: "portfolio")
                let started = ContinuousClock.now
                let result = try locked.placeMarketOrder(ticket, reference: Decimal(string: "0.000001")!, now: Date())
                let elapsed = ContinuousClock.now - started
                #expect(result.status == .filled)
                return elapsed
            }
            print("review: one cash-limited buy at 0.000001 took \(elapsed)")
            withKnownIssue("review: the buy is cut one 1e-8 unit at a time") {
                #expect(elapsed < .milliseconds(200), "\(elapsed)")
            }
        }
    }

    /// The same through a rebalance: an asset at 0.000001 beside one at 50, all cash. The taker price rounds up to
    /// 8 places (1.01e-6 for a 5 bps slippage, not the 1.0005e-6 the plan kept back for), so a buy comes out short of
    /// cash and is cut, one unit at a time, inside the run's transaction.
    @Test("a rebalance buying a low-priced asset takes seconds per order inside its transaction")
    func lowPriceRebalanceIsSlow() async throws {
        try await RebalancerFixture.with { fixture in
            try await fixture.setPrice(fixture.first, "0.000001")
            try await fixture.setPrice(fixture.second, "0.000001")
            #expect(try await fixture.monitor.scan().runsRequested == 1)
            let started = ContinuousClock.now
            try await fixture.executePending()
            let elapsed = ContinuousClock.now - started
            let run = try #require(try await fixture.runs().first)
            print("review: the low-price rebalance took \(elapsed): \(run.orders.map { "\($0.requestedQuantity) -> \($0.filledQuantity)" })")
            withKnownIssue("review: a low-price rebalance spins in the buy cut") {
                #expect(elapsed < .seconds(1), "\(elapsed)")
            }
        }
    }

    /// `PortfolioStore.setPaused` leaves a pending drift or scheduled run alone (`delete` fails it), and
    /// `RunExecutor` never looks at `paused`: a portfolio paused after its crossing was found still trades.
    @Test("a drift run asked for before the owner paused the portfolio still trades it while paused")
    func pausedPortfolioStillTrades() async throws {
        try await RebalancerFixture.with { fixture in
            #expect(try await fixture.monitor.scan().runsRequested == 1)
            let store = PortfolioStore(database: fixture.database, logger: TestServers.logger)
            #expect(try await store.setPaused(fixture.portfolio.id, user: fixture.userID, paused: true)?.paused == true)
            try await fixture.executePending()
            let orders = try await fixture.count("SELECT count(*) FROM orders WHERE account_id = \(fixture.portfolio.accountID)")
            withKnownIssue("review: a paused portfolio is traded by the drift run asked for before the pause") {
                #expect(orders == 0)
            }
        }
    }

    /// `PATCH /api/v1/portfolios/{id}` (PortfoliosController.update) reads the portfolio outside any transaction,
    /// applies the sent fields to it and has `PortfolioStore.update` replace every setting with the result. Two
    /// PATCHes of different fields that read the same row lose one of them, though both answered 200 with their
    /// change. The controller's two steps, interleaved as two requests at once run them:
    @Test("two PATCHes of different fields at once: the second writes back the first's field")
    func concurrentPatchLosesAChange() async throws {
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
            // ...then each replaces every setting (controller line 132).
            _ = try await store.update(id, user: fixture.userID, settings: renamed)
            _ = try await store.update(id, user: fixture.userID, settings: tightened)
            let final = try #require(try await store.portfolio(id, user: fixture.userID))
            #expect(final.settings.driftThreshold == RebalancerFixture.fixed("2"))
            withKnownIssue("review: a partial PATCH overwrites fields it did not send with what it read") {
                #expect(final.settings.name == "renamed")
            }
        }
    }
}
