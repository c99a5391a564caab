import BallastCore
import BallastMarket
import BallastPortfolios
import BallastPostgres
import BallastTrading
import Foundation
import PostgresNIO
import Testing

@Suite("Rebalance runs in PostgreSQL: one active run, leases, fencing, recovery, retention, history")
struct RebalanceRunStoreTests {
    static let logger = TestServers.logger

    /// A portfolio named `name` of the fixture's user.
    static func portfolio(_ fixture: PortfolioFixture, _ name: String = "Core", dryRun: Bool = false) async throws -> Portfolio {
        try await fixture.store.create(try PortfolioFixture.settings(name, dryRun: dryRun), user: fixture.userID, funding: .none)
    }

    static func requested(
        _ fixture: PortfolioFixture, _ portfolio: Portfolio, trigger: RebalanceTrigger = .manual, dryRun: Bool = false,
        now: Date = Date()
    ) async throws -> RebalanceRun {
        let outcome = try await fixture.runs.request(
            portfolio: portfolio.id, user: fixture.userID, trigger: trigger, dryRun: dryRun, now: now)
        guard case .requested(let run) = outcome else { throw TestSetupError("expected a run, got \(outcome)") }
        return run
    }

    /// Finishes `run` as `status` in a transaction of its own.
    static func finish(
        _ fixture: PortfolioFixture, _ run: RebalanceRun, runner: String, status: RebalanceRunStatus = .completed, executed: Int = 0,
        at time: Date
    ) async throws {
        var done = run
        done.status = status
        done.finishedAt = time
        done.ordersExecuted = executed
        try await fixture.database.transaction(logger: logger) { connection in
            try await RebalanceRunStore.finish(done, runner: runner, on: connection, logger: logger)
        }
    }

    func requestMessages(_ fixture: PortfolioFixture) async throws -> [String] {
        try await fixture.messages(StreamName.rebalanceRequests).map { $0["runId"] as? String ?? "?" }
    }

    @Test("a request inserts a pending run and its message; a second while one is active is refused, naming it")
    func request() async throws {
        try await PortfolioFixture.with { fixture in
            let portfolio = try await Self.portfolio(fixture)
            let now = at("2026-12-07T02:00:00.250Z")
            let run = try await Self.requested(fixture, portfolio, trigger: .manual, now: now)
            #expect(run.status == .pending && run.portfolioID == portfolio.id && run.userID == fixture.userID)
            #expect(run.triggeredBy == .manual && !run.dryRun && run.attempts == 0 && run.requestedAt == now)
            #expect(run.startedAt == nil && run.finishedAt == nil && run.orders.isEmpty && run.errors.isEmpty)
            #expect(
                try await fixture.strings("SELECT type FROM outbox WHERE stream = 'ballast:rebalance.requests'") == ["rebalance.requested"])
            let message = try #require(try await fixture.messages(StreamName.rebalanceRequests).first)
            #expect(uuid(message["runId"]) == run.id)
            #expect(uuid(message["portfolioId"]) == portfolio.id)

            #expect(
                try await fixture.runs.request(portfolio: portfolio.id, user: fixture.userID, trigger: .schedule, dryRun: true)
                    == .alreadyActive(run.id))
            // Still active while running.
            _ = try #require(try await fixture.runs.claim(run.id, runner: "a", lease: .seconds(60)))
            #expect(
                try await fixture.runs.request(portfolio: portfolio.id, user: fixture.userID, trigger: .drift, dryRun: false)
                    == .alreadyActive(run.id))
            #expect(try await fixture.database.count("SELECT count(*) FROM rebalance_runs") == 1)
            #expect(try await requestMessages(fixture).count == 1)
            let other = try await fixture.otherUser()
            #expect(try await fixture.runs.request(portfolio: portfolio.id, user: other, trigger: .manual, dryRun: false) == .notFound)
            #expect(try await fixture.runs.request(portfolio: UUID(), user: fixture.userID, trigger: .manual, dryRun: false) == .notFound)

            // A dry-run portfolio makes every run a dry run; a dry-run request on any portfolio is one.
            let dry = try await Self.portfolio(fixture, "Dry", dryRun: true)
            #expect(try await Self.requested(fixture, dry, trigger: .api, dryRun: false).dryRun)
            let third = try await Self.portfolio(fixture, "Third")
            #expect(try await Self.requested(fixture, third, dryRun: true).dryRun)
        }
    }

    @Test("a claim holds the run under a lease: another runner waits until it ends; rebalance.started once")
    func claimAndLease() async throws {
        try await PortfolioFixture.with { fixture in
            let portfolio = try await Self.portfolio(fixture)
            let run = try await Self.requested(fixture, portfolio, now: at("2026-12-07T02:00:00Z"))
            let t0 = at("2026-12-07T02:00:01Z")
            let byA = try #require(try await fixture.runs.claim(run.id, runner: "a", lease: .seconds(30), now: t0))
            #expect(byA.status == .running && byA.attempts == 1 && byA.startedAt == t0)
            #expect(try await fixture.runs.claim(run.id, runner: "b", lease: .seconds(30), now: at("2026-12-07T02:00:30Z")) == nil)
            #expect(try await fixture.runs.claim(run.id, runner: "a", lease: .seconds(30), now: at("2026-12-07T02:00:20Z")) == nil)
            let byB = try #require(
                try await fixture.runs.claim(run.id, runner: "b", lease: .seconds(30), now: at("2026-12-07T02:00:31.001Z")))
            #expect(byB.attempts == 2 && byB.startedAt == t0 && byB.status == .running)
            #expect(try await fixture.strings("SELECT runner FROM rebalance_runs") == ["b"])
            #expect(try await fixture.events() == [PortfolioEvent.created, PortfolioEvent.rebalanceStarted])
            let started = try #require(try await fixture.messages().last?["data"] as? [String: Any])
            #expect(uuid(started["id"]) == run.id)
            #expect(started["status"] as? String == "running")
            #expect(started["inputs"] == nil)

            try await Self.finish(fixture, byB, runner: "b", at: at("2026-12-07T02:00:40Z"))
            #expect(try await fixture.runs.claim(run.id, runner: "c", lease: .seconds(30), now: at("2026-12-07T03:00:00Z")) == nil)
            #expect(try await fixture.runs.claim(UUID(), runner: "c", lease: .seconds(30)) == nil)
        }
    }

    @Test("concurrent requests make one run and one message; concurrent claims give it to one runner, started once")
    func concurrentRequestsAndClaims() async throws {
        try await PortfolioFixture.with { fixture in
            let portfolio = try await Self.portfolio(fixture)
            let outcomes = try await withThrowingTaskGroup(of: RebalanceRunStore.RequestOutcome.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await fixture.runs.request(
                            portfolio: portfolio.id, user: fixture.userID, trigger: index % 2 == 0 ? .drift : .schedule, dryRun: false)
                    }
                }
                return try await group.reduce(into: [RebalanceRunStore.RequestOutcome]()) { $0.append($1) }
            }
            let requested = outcomes.compactMap { outcome -> RebalanceRun? in
                if case .requested(let run) = outcome { return run }
                return nil
            }
            #expect(requested.count == 1)
            let run = try #require(requested.first)
            #expect(outcomes.filter { $0 == .alreadyActive(run.id) }.count == 7)
            #expect(try await requestMessages(fixture).count == 1)

            let claims = try await withThrowingTaskGroup(of: String?.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await fixture.runs.claim(run.id, runner: "r\(index)", lease: .seconds(60)).map { _ in "r\(index)" }
                    }
                }
                return try await group.reduce(into: [String]()) { if let runner = $1 { $0.append(runner) } }
            }
            #expect(claims.count == 1)
            #expect(try await fixture.strings("SELECT runner FROM rebalance_runs") == claims)
            #expect(try await fixture.strings("SELECT attempts::text FROM rebalance_runs") == ["1"])
            #expect(try await fixture.events() == [PortfolioEvent.created, PortfolioEvent.rebalanceStarted])
        }
    }

    @Test("a request while the run that traded is being finished waits for it, without a deadlock")
    func requestDuringFinish() async throws {
        try await PortfolioFixture.with { fixture in
            // Widens the window between finish's two statements: the run's row is updated, then a second passes.
            try await fixture.database.query(
                """
                CREATE FUNCTION test_slow_finish() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF NEW.status = 'completed' THEN PERFORM pg_sleep(1.5); END IF; RETURN NEW; END $$
                """)
            try await fixture.database.query(
                "CREATE TRIGGER test_slow_finish AFTER UPDATE ON rebalance_runs FOR EACH ROW EXECUTE FUNCTION test_slow_finish()")
            let portfolio = try await Self.portfolio(fixture)
            var run = try await Self.requested(fixture, portfolio)
            run = try #require(try await fixture.runs.claim(run.id, runner: "a", lease: .seconds(60)))
            let finishing = run
            async let finished: Void = Self.finish(fixture, finishing, runner: "a", executed: 1, at: Date())
            try await Task.sleep(for: .milliseconds(500))
            let outcome = try await fixture.runs.request(portfolio: portfolio.id, user: fixture.userID, trigger: .manual, dryRun: false)
            try await finished
            guard case .requested(let next) = outcome else {
                Issue.record("expected a new run once the first finished, got \(outcome)")
                return
            }
            #expect(next.id != run.id)
            #expect(try await fixture.runs.run(run.id, user: fixture.userID)?.status == .completed)
            #expect(try await fixture.store.portfolio(portfolio.id, user: fixture.userID)?.lastRebalancedAt != nil)
        }
    }

    @Test("finish by a runner whose run was taken over throws LostLease and rolls back its whole transaction")
    func lostLease() async throws {
        try await PortfolioFixture.with { fixture in
            let portfolio = try await Self.portfolio(fixture)
            let run = try await Self.requested(fixture, portfolio)
            let t0 = Date()
            let byA = try #require(try await fixture.runs.claim(run.id, runner: "a", lease: .seconds(5), now: t0))
            _ = try #require(try await fixture.runs.claim(run.id, runner: "b", lease: .seconds(60), now: t0.addingTimeInterval(6)))
            let name = TestServers.unique("written-by-a")
            var done = byA
            done.status = .completed
            done.finishedAt = t0.addingTimeInterval(7)
            done.ordersExecuted = 1
            done.errors = ["from a"]
            await #expect(throws: RebalanceRunStore.LostLease.self) {
                try await fixture.database.transaction(logger: Self.logger) { connection in
                    try await connection.query("INSERT INTO users (name) VALUES (\(name))", logger: Self.logger)
                    try await RebalanceRunStore.finish(done, runner: "a", on: connection, logger: Self.logger)
                }
            }
            #expect(try await fixture.database.count("SELECT count(*) FROM users WHERE name = \(name)") == 0)
            let stored = try #require(try await fixture.runs.run(run.id, user: fixture.userID))
            #expect(stored.status == .running && stored.errors.isEmpty && stored.finishedAt == nil)
            #expect(try await fixture.strings("SELECT runner FROM rebalance_runs") == ["b"])
            #expect(try await fixture.events() == [PortfolioEvent.created, PortfolioEvent.rebalanceStarted])
            #expect(try await fixture.database.count("SELECT count(*) FROM portfolios WHERE last_rebalanced_at IS NOT NULL") == 0)

            // B may finish it; a traded completion marks the portfolio rebalanced, and leaves the drift crossing to the
            // monitor, which ends it once the portfolio is back inside its band (a run held back by maxOrders is not).
            try await fixture.database.query("UPDATE portfolios SET over_threshold = true")
            let finishedAt = t0.addingTimeInterval(8)
            try await Self.finish(fixture, stored, runner: "b", executed: 2, at: finishedAt)
            let after = try #require(try await fixture.store.portfolio(portfolio.id, user: fixture.userID))
            #expect(after.overThreshold == true)
            #expect(abs(try #require(after.lastRebalancedAt).timeIntervalSince(finishedAt)) < 0.001)
            #expect(
                try await fixture.events() == [PortfolioEvent.created, PortfolioEvent.rebalanceStarted, PortfolioEvent.rebalanceCompleted])
            let finished = try #require(try await fixture.runs.run(run.id, user: fixture.userID))
            #expect(finished.status == .completed && finished.ordersExecuted == 2)
            #expect(try await fixture.database.count("SELECT count(*) FROM rebalance_runs WHERE lease_until IS NULL") == 1)
            // The portfolio may be rebalanced again.
            #expect(try await Self.requested(fixture, portfolio).status == .pending)
        }
    }

    @Test("two processes under one instance name: the run taken over is not finished by the claim it was taken from")
    func sameRunnerName() async throws {
        try await PortfolioFixture.with { fixture in
            let portfolio = try await Self.portfolio(fixture)
            let run = try await Self.requested(fixture, portfolio)
            let t0 = Date()
            let first = try #require(try await fixture.runs.claim(run.id, runner: "r", lease: .seconds(5), now: t0))
            let second = try #require(try await fixture.runs.claim(run.id, runner: "r", lease: .seconds(60), now: t0.addingTimeInterval(6)))
            #expect(first.attempts == 1 && second.attempts == 2)
            var done = first
            done.status = .completed
            done.finishedAt = t0.addingTimeInterval(7)
            await #expect(throws: RebalanceRunStore.LostLease.self) {
                try await fixture.database.transaction(logger: Self.logger) { connection in
                    try await RebalanceRunStore.finish(done, runner: "r", on: connection, logger: Self.logger)
                }
            }
            #expect(try #require(try await fixture.runs.run(run.id, user: fixture.userID)).status == .running)
            try await Self.finish(fixture, second, runner: "r", executed: 1, at: t0.addingTimeInterval(8))
            #expect(try #require(try await fixture.runs.run(run.id, user: fixture.userID)).status == .completed)
        }
    }

    @Test("a dry run or one that traded nothing leaves lastRebalancedAt alone; fail() records the reason and rebalance.failed")
    func failAndDryRun() async throws {
        try await PortfolioFixture.with { fixture in
            let portfolio = try await Self.portfolio(fixture)
            var run = try await Self.requested(fixture, portfolio, dryRun: true)
            run = try #require(try await fixture.runs.claim(run.id, runner: "a", lease: .seconds(60)))
            try await Self.finish(fixture, run, runner: "a", executed: 3, at: Date())
            run = try await Self.requested(fixture, portfolio)
            run = try #require(try await fixture.runs.claim(run.id, runner: "a", lease: .seconds(60)))
            try await Self.finish(fixture, run, runner: "a", executed: 0, at: Date())
            #expect(try await fixture.store.portfolio(portfolio.id, user: fixture.userID)?.lastRebalancedAt == nil)

            run = try await Self.requested(fixture, portfolio)
            run = try #require(try await fixture.runs.claim(run.id, runner: "a", lease: .seconds(60)))
            await #expect(throws: RebalanceRunStore.LostLease.self) {
                try await fixture.runs.fail(run, runner: "b", reason: "not mine")
            }
            let now = at("2026-12-07T02:10:00Z")
            try await fixture.runs.fail(run, runner: "a", reason: "no price for BTC", now: now)
            let failed = try #require(try await fixture.runs.run(run.id, user: fixture.userID))
            #expect(failed.status == .failed && failed.errors == ["no price for BTC"] && failed.finishedAt == now)
            #expect(Array(try await fixture.events().suffix(2)) == [PortfolioEvent.rebalanceStarted, PortfolioEvent.rebalanceFailed])
            let data = try #require(try await fixture.messages().last?["data"] as? [String: Any])
            #expect(data["errors"] as? [String] == ["no price for BTC"])
            #expect(data["status"] as? String == "failed")
        }
    }

    @Test("a run finished without a finish time gets one, the same in its row and its event")
    func finishStampsTime() async throws {
        try await PortfolioFixture.with { fixture in
            let portfolio = try await Self.portfolio(fixture)
            var run = try await Self.requested(fixture, portfolio)
            run = try #require(try await fixture.runs.claim(run.id, runner: "a", lease: .seconds(60)))
            run.status = .completed
            run.finishedAt = nil
            let finishing = run
            try await fixture.database.transaction(logger: Self.logger) { connection in
                try await RebalanceRunStore.finish(finishing, runner: "a", on: connection, logger: Self.logger)
            }
            let stored = try #require(try await fixture.runs.run(run.id, user: fixture.userID))
            let finishedAt = try #require(stored.finishedAt)
            let data = try #require(try await fixture.messages().last?["data"] as? [String: Any])
            #expect(data["finishedAt"] as? String == RFC3339.string(from: finishedAt))
            #expect(data["durationMs"] as? Int == stored.durationMilliseconds.map(Int.init))
        }
    }

    @Test("recover requeues pending runs waiting too long and running ones whose lease ended; fails those started maxAttempts times")
    func recover() async throws {
        try await PortfolioFixture.with { fixture in
            let now = at("2026-12-07T03:00:00Z")
            var portfolios: [Portfolio] = []
            for name in ["old-pending", "new-pending", "expired", "abandoned", "leased"] {
                portfolios.append(try await Self.portfolio(fixture, name))
            }
            let oldPending = try await Self.requested(fixture, portfolios[0], now: now.addingTimeInterval(-600))
            let newPending = try await Self.requested(fixture, portfolios[1], now: now.addingTimeInterval(-10))
            let expired = try await Self.requested(fixture, portfolios[2], now: now.addingTimeInterval(-600))
            _ = try #require(try await fixture.runs.claim(expired.id, runner: "a", lease: .seconds(60), now: now.addingTimeInterval(-100)))
            let abandoned = try await Self.requested(fixture, portfolios[3], now: now.addingTimeInterval(-900))
            for (index, runner) in ["a", "b", "c"].enumerated() {
                let start = now.addingTimeInterval(-800 + Double(index) * 200)
                _ = try #require(try await fixture.runs.claim(abandoned.id, runner: runner, lease: .seconds(60), now: start))
            }
            let leased = try await Self.requested(fixture, portfolios[4], now: now.addingTimeInterval(-600))
            _ = try #require(try await fixture.runs.claim(leased.id, runner: "d", lease: .seconds(60), now: now.addingTimeInterval(-30)))
            let messagesBefore = try await requestMessages(fixture).count
            let eventsBefore = try await fixture.events().count

            let result = try await fixture.runs.recover(pendingFor: .seconds(120), maxAttempts: 3, now: now)
            #expect(result.requeued == 2 && result.failed == 1)
            let requeued = Array(try await requestMessages(fixture).dropFirst(messagesBefore))
            #expect(Set(requeued.compactMap(UUID.init(uuidString:))) == Set([oldPending.id, expired.id]))
            let failed = try #require(try await fixture.runs.run(abandoned.id, user: fixture.userID))
            #expect(failed.status == .failed && failed.finishedAt == now && failed.attempts == 3)
            #expect(failed.errors == ["abandoned: 3 rebalancers stopped while running it"])
            #expect(Array(try await fixture.events().dropFirst(eventsBefore)) == [PortfolioEvent.rebalanceFailed])
            #expect(try await fixture.runs.run(newPending.id, user: fixture.userID)?.status == .pending)
            #expect(try await fixture.runs.run(leased.id, user: fixture.userID)?.status == .running)
            #expect(try await fixture.runs.run(expired.id, user: fixture.userID)?.status == .running)
            // The requeued running run is claimed again by the next rebalancer.
            let retaken = try #require(try await fixture.runs.claim(expired.id, runner: "e", lease: .seconds(60), now: now))
            #expect(retaken.attempts == 2)
        }
    }

    @Test("purge deletes finished runs that finished before the cutoff, at most the limit, and nothing active")
    func purge() async throws {
        try await PortfolioFixture.with { fixture in
            let now = at("2026-12-07T03:00:00Z")
            let day: TimeInterval = 86_400
            var kept: [UUID] = []
            var old: [UUID] = []
            for index in 0..<3 {
                let portfolio = try await Self.portfolio(fixture, "old\(index)")
                let run = try await Self.requested(fixture, portfolio, now: now.addingTimeInterval(-40 * day))
                let claimed = try #require(
                    try await fixture.runs.claim(run.id, runner: "a", lease: .seconds(60), now: now.addingTimeInterval(-40 * day)))
                try await Self.finish(
                    fixture, claimed, runner: "a", status: index == 0 ? .failed : .completed, at: now.addingTimeInterval(-40 * day + 1))
                old.append(run.id)
                let recent = try await Self.requested(fixture, portfolio, now: now.addingTimeInterval(-40 * day + 2))
                if index == 0 {
                    // An old run still pending stays.
                    kept.append(recent.id)
                } else {
                    let claimedRecent = try #require(try await fixture.runs.claim(recent.id, runner: "a", lease: .seconds(60), now: now))
                    if index == 1 {
                        kept.append(recent.id)  // running
                    } else {
                        try await Self.finish(fixture, claimedRecent, runner: "a", at: now.addingTimeInterval(-day))
                        kept.append(recent.id)
                    }
                }
            }
            #expect(try await fixture.runs.purge(finishedBefore: now.addingTimeInterval(-30 * day), limit: 2) == 2)
            #expect(try await fixture.runs.purge(finishedBefore: now.addingTimeInterval(-30 * day), limit: 2) == 1)
            #expect(try await fixture.runs.purge(finishedBefore: now.addingTimeInterval(-30 * day), limit: 2) == 0)
            let left = Set(try await fixture.strings("SELECT id::text FROM rebalance_runs"))
            #expect(left == Set(kept.map { $0.uuidString.lowercased() }))
        }
    }

    @Test("runs() pages newest first and only for the owner; run() only for the owner")
    func history() async throws {
        try await PortfolioFixture.with { fixture in
            let portfolio = try await Self.portfolio(fixture)
            let other = try await Self.portfolio(fixture, "Other")
            var ids: [UUID] = []
            for index in 0..<5 {
                let time = at("2026-12-07T02:00:00Z").addingTimeInterval(Double(index) * 60)
                let run = try await Self.requested(fixture, portfolio, trigger: index % 2 == 0 ? .schedule : .drift, now: time)
                let claimed = try #require(try await fixture.runs.claim(run.id, runner: "a", lease: .seconds(60), now: time))
                try await Self.finish(fixture, claimed, runner: "a", at: time.addingTimeInterval(1))
                ids.append(run.id)
            }
            _ = try await Self.requested(fixture, other)
            var seen: [UUID] = []
            var cursor: PageCursor?
            var pages = 0
            repeat {
                let page = try #require(try await fixture.runs.runs(portfolio: portfolio.id, user: fixture.userID, after: cursor, limit: 2))
                seen += page.items.map(\.id)
                cursor = page.next
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen == ids.reversed())
            #expect(pages == 3)
            let stranger = try await fixture.otherUser()
            #expect(try await fixture.runs.runs(portfolio: portfolio.id, user: stranger, after: nil, limit: 10) == nil)
            #expect(try await fixture.runs.run(ids[0], user: stranger) == nil)
            #expect(try await fixture.runs.run(ids[0], user: fixture.userID)?.triggeredBy == .schedule)
            #expect(try await fixture.runs.run(ids[1], user: fixture.userID)?.triggeredBy == .drift)
        }
    }

    @Test("a run's inputs, plan, orders, errors and amounts survive storage exactly")
    func jsonRoundTrip() async throws {
        try await PortfolioFixture.with { fixture in
            let portfolio = try await Self.portfolio(fixture)
            let run = try await Self.requested(fixture, portfolio)
            var claimed = try #require(try await fixture.runs.claim(run.id, runner: "a", lease: .seconds(60)))
            let priceTime = Date(epochMilliseconds: 1_796_000_000_123)
            let inputs = RebalanceInputs(
                quoteCurrency: "USD", cash: fixed("1234.56789012"), holdings: ["BTC": fixed("0.12345678"), "ETH": fixed("3.00000001")],
                targetWeights: ["BTC": fixed("60.5"), "ETH": fixed("39.5")],
                prices: [
                    "BTC": AssetPrice(price: fixed("97000.12345678"), at: priceTime),
                    "ETH": AssetPrice(price: fixed("3100.00000009"), at: Date(epochMilliseconds: 1_796_000_000_122)),
                ],
                settings: try PortfolioFixture.settings().rebalanceSettings(feeRate: fixed("0.0015")))
            let plan = try RebalancePlanner.plan(inputs, now: priceTime)
            #expect(!plan.orders.isEmpty)
            let orders = [
                MarketOrderResult(
                    clientOrderID: "rb-\(run.id)-0", orderID: UUID(), symbol: "ETH-USD", side: .sell, status: .filled,
                    requestedQuantity: dec("1.23456789"), filledQuantity: dec("1.23456789"), price: dec("3099.84500009"),
                    fee: dec("3.82694301"),
                    value: dec("3823.11556199"), reason: nil),
                MarketOrderResult(
                    clientOrderID: "rb-\(run.id)-1", orderID: nil, symbol: "BTC-USD", side: .buy, status: .rejected,
                    requestedQuantity: dec("0.00000001"), filledQuantity: 0, price: nil, fee: 0, value: 0, reason: "no USD \"available\""),
            ]
            claimed.status = .completed
            claimed.finishedAt = Date(epochMilliseconds: 1_796_000_001_500)
            claimed.inputs = inputs
            claimed.plan = plan
            claimed.orders = orders
            claimed.errors = ["one", "two \u{1F680} \\ \"quoted\""]
            claimed.valueBefore = dec("13562.12345678901234")
            claimed.valueAfter = dec("13550.00000000000001")
            claimed.ordersPlanned = 2
            claimed.ordersExecuted = 1
            claimed.ordersFailed = 1
            claimed.totalValueTraded = dec("3823.11556199")
            try await fixture.database.transaction(logger: Self.logger) { connection in
                try await RebalanceRunStore.finish(claimed, runner: "a", on: connection, logger: Self.logger)
            }
            let stored = try #require(try await fixture.runs.run(run.id, user: fixture.userID))
            #expect(stored.inputs == inputs)
            #expect(stored.plan == plan)
            #expect(stored.orders == orders)
            #expect(stored.errors == claimed.errors)
            #expect(stored.valueBefore == claimed.valueBefore)
            #expect(stored.valueAfter == claimed.valueAfter)
            #expect(stored.totalValueTraded == claimed.totalValueTraded)
            #expect(stored.ordersPlanned == 2 && stored.ordersExecuted == 1 && stored.ordersFailed == 1)
            #expect(stored.finishedAt == claimed.finishedAt)
            #expect(stored.status == .completed)
            let page = try #require(try await fixture.runs.runs(portfolio: portfolio.id, user: fixture.userID, after: nil, limit: 5))
            #expect(page.items == [stored])
            // The event leaves out the inputs and the plan.
            let data = try #require(try await fixture.messages().last?["data"] as? [String: Any])
            #expect(data["totalValueTraded"] as? String == "3823.11556199")
            #expect(data["inputs"] == nil && data["plan"] == nil)
        }
    }
}
