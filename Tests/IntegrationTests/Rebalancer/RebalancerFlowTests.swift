import BallastCore
import BallastMarket
import BallastPortfolios
import BallastRedis
import Foundation
import PostgresNIO
import Testing

@testable import Rebalancer

@Suite("Rebalancer: drift, runs, paper fills and history, with real Postgres and Redis")
struct RebalancerFlowTests {
    @Test(
        "drift past the threshold starts one run, which trades through the paper ledger and keeps its inputs; drift is reported once per crossing"
    )
    func driftToRebalance() async throws {
        try await RebalancerFixture.with { fixture in
            // All cash: both assets are 50 points under their targets.
            var outcome = try await fixture.monitor.scan()
            #expect(outcome.scanned == 1 && outcome.over == 1 && outcome.runsRequested == 1)
            // Scanned again before the run: the same crossing, nothing new.
            outcome = try await fixture.monitor.scan()
            #expect(outcome.over == 1 && outcome.runsRequested == 0)
            try await fixture.executePending()
            let first = try #require(try await fixture.runs(status: "completed").first)
            #expect(first.triggeredBy == .drift && !first.dryRun && first.ordersPlanned == 2 && first.ordersExecuted == 2)
            #expect(first.inputs?.cash == RebalancerFixture.fixed("10000"))
            #expect(first.inputs?.prices[fixture.first]?.price == RebalancerFixture.fixed("100"))
            #expect(first.plan?.orders.count == 2)
            // The plan kept back what the buys cost (fee on a price moved by slippage): none had to be cut down.
            #expect(first.orders.allSatisfy { $0.reason == nil && $0.filledQuantity == $0.requestedQuantity }, "\(first.orders)")
            #expect(
                first.orders.allSatisfy { $0.status == .filled && $0.clientOrderID.hasPrefix("rb-\(first.id.uuidString.lowercased())-") })
            // Through the paper ledger: fills, positions, cash spent with fees, never below zero.
            #expect(try await fixture.count("SELECT count(*) FROM fills WHERE account_id = \(fixture.portfolio.accountID)") == 2)
            let cash = try await fixture.balance("USD")
            #expect(cash >= 0 && cash < 100)
            let firstQuantity = try await fixture.balance(fixture.first)
            #expect(firstQuantity > 49 && firstQuantity <= 50)
            // The owner's trading account (none here) and other accounts are untouched: one account traded.
            #expect(try await fixture.count("SELECT count(DISTINCT account_id) FROM orders") == 1)
            // The run left it inside its band: the crossing ends with the run, so a move before the next scan is a new one.
            #expect(try await fixture.count("SELECT count(*) FROM portfolios WHERE over_threshold") == 0)
            // Back within the band: a scan finds nothing.
            outcome = try await fixture.monitor.scan()
            #expect(outcome.over == 0 && outcome.runsRequested == 0)
            // The first asset's price rises by half: about 60 % of the portfolio, a new crossing and one run.
            try await fixture.setPrice(fixture.first, "150")
            outcome = try await fixture.monitor.scan()
            #expect(outcome.over == 1 && outcome.runsRequested == 1)
            outcome = try await fixture.monitor.scan()
            #expect(outcome.runsRequested == 0)
            try await fixture.executePending()
            let completed = try await fixture.runs(status: "completed")
            #expect(completed.count == 2)
            let second = try #require(completed.first)
            #expect(second.orders.first?.side == .sell && second.orders.first?.symbol == fixture.first + "-USD")
            let events = try await fixture.database.query(
                "SELECT type, count(*)::int8 FROM outbox WHERE stream = 'ballast:events' GROUP BY type")
            var counts: [String: Int] = [:]
            for try await (type, count) in events.decode((String, Int).self) { counts[type] = count }
            #expect(counts["drift.threshold_exceeded"] == 2)
            #expect(counts["rebalance.started"] == 2 && counts["rebalance.completed"] == 2)
            #expect(counts["portfolio.created"] == 1)
            #expect(counts["trade.executed"] == 4)
        }
    }

    @Test("a stale price fails the run with the asset named, and nothing is traded")
    func stalePrice() async throws {
        try await RebalancerFixture.with(environment: ["BALLAST_REBALANCE_MAX_PRICE_AGE_SECONDS": "60"]) { fixture in
            try await fixture.setPrice(fixture.second, "50", age: .seconds(600))
            let outcome = try await fixture.runs.request(
                portfolio: fixture.portfolio.id, user: fixture.userID, trigger: .manual, dryRun: false)
            guard case .requested = outcome else {
                Issue.record("expected a requested run, got \(outcome)")
                return
            }
            try await fixture.executePending()
            let run = try #require(try await fixture.runs().first)
            #expect(run.status == .failed)
            #expect(run.errors.contains { $0.contains(fixture.second) && $0.contains("old") }, "\(run.errors)")
            #expect(run.inputs != nil && run.plan == nil)
            #expect(try await fixture.count("SELECT count(*) FROM orders") == 0)
            #expect(try await fixture.balance("USD") == 10_000)
            #expect(try await fixture.count("SELECT count(*) FROM outbox WHERE type = 'rebalance.failed'") == 1)
        }
    }

    @Test("BALLAST_SCHEDULER_DRY_RUN makes every run a dry run: planned and recorded, nothing traded")
    func forcedDryRun() async throws {
        try await RebalancerFixture.with(environment: ["BALLAST_SCHEDULER_DRY_RUN": "1"]) { fixture in
            _ = try await fixture.monitor.scan()
            try await fixture.executePending()
            let run = try #require(try await fixture.runs().first)
            #expect(run.status == .completed && run.dryRun && run.ordersPlanned == 2 && run.ordersExecuted == 0)
            #expect(try await fixture.count("SELECT count(*) FROM orders") == 0)
            #expect(try await fixture.balance("USD") == 10_000)
            // A dry run does not end the crossing: the next scan reports nothing new.
            #expect(try await fixture.monitor.scan().runsRequested == 0)
        }
    }

    @Test("a scheduled portfolio gets a run when its time comes, and its next time is the schedule's next, not now plus the interval")
    func scheduled() async throws {
        try await RebalancerFixture.with(method: .scheduled, interval: .hourly) { fixture in
            let next = try #require(fixture.portfolio.nextRebalanceAt)
            #expect(Int(next.timeIntervalSince1970) % 3_600 == 0)
            let late = next.addingTimeInterval(600)
            let (runs, due) = try await fixture.monitorStore.requestDue(now: late, dryRun: false, limit: 10)
            #expect(due == 1 && runs.count == 1 && runs.first?.triggeredBy == .schedule)
            let rows = try await fixture.database.query("SELECT next_rebalance_at FROM portfolios WHERE id = \(fixture.portfolio.id)")
            var stored: Date?
            for try await date in rows.decode(Date.self) { stored = date }
            #expect(stored == next.addingTimeInterval(3_600))
            // Not due again until then.
            #expect(try await fixture.monitorStore.requestDue(now: late, dryRun: false, limit: 10).due == 0)
            try await fixture.executePending()
            #expect(try await fixture.runs(status: "completed").count == 1)
            // Not watched for drift.
            #expect(try await fixture.monitor.scan().scanned == 0)
        }
    }

    @Test("a run request delivered twice runs once")
    func requestTwice() async throws {
        try await RebalancerFixture.with { fixture in
            _ = try await fixture.monitor.scan()
            let run = try #require(try await fixture.runs().first)
            let request = RebalanceRequest(runID: run.id, portfolioID: fixture.portfolio.id)
            try await fixture.executor.execute(request)
            try await fixture.executor.execute(request)
            #expect(try await fixture.count("SELECT count(*) FROM orders") == 2)
            #expect(try await fixture.count("SELECT count(*) FROM rebalance_runs") == 1)
        }
    }

    @Test("a request for a run another rebalancer holds is not acknowledged, so it comes back until the run is finished")
    func heldElsewhere() async throws {
        try await RebalancerFixture.with { fixture in
            _ = try await fixture.monitor.scan()
            let run = try #require(try await fixture.runs().first)
            let request = RebalanceRequest(runID: run.id, portfolioID: fixture.portfolio.id)
            // Another rebalancer holds the run's lease.
            _ = try #require(try await fixture.runs.claim(run.id, runner: "another", lease: .seconds(60)))
            await #expect(throws: RunHeldElsewhere.self) { try await fixture.executor.execute(request) }
            // Another rebalancer holds the portfolio's lock.
            let locks = RedisLock(client: fixture.redis)
            let lease = try #require(
                try await locks.acquire("ballast:lock:portfolio:\(fixture.portfolio.id.uuidString.lowercased())", ttl: .seconds(60)))
            await #expect(throws: RunHeldElsewhere.self) { try await fixture.executor.execute(request) }
            _ = try await locks.release(lease)
            // Once the run is finished, a late copy of the request is acknowledged and changes nothing.
            try await fixture.database.query("UPDATE rebalance_runs SET lease_until = now() - interval '1 second' WHERE id = \(run.id)")
            try await fixture.executor.execute(request)
            try await fixture.executor.execute(request)
            #expect(try await fixture.runs(status: "completed").count == 1)
            #expect(try await fixture.count("SELECT count(*) FROM orders") == 2)
        }
    }
}
