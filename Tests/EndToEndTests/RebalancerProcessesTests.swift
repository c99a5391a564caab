import BallastCore
import BallastMarket
import BallastPortfolios
import BallastRedis
import BallastTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@Suite("rebalancer processes: three instances, a drift monitor every second, kill -9")
struct RebalancerProcessesTests {
    static let portfolioCount = 20
    static let moves = 18
    static let moveInterval = 2.0
    static let (lowBTC, highBTC, eth) = ("30000", "45000", "2000")

    @Test("portfolios are rebalanced once per crossing, never twice at once; what a killed instance held is finished, no order twice")
    func threeInstances() async throws {
        // A database of its own, so that no other test's rebalancer sees these portfolios.
        try await withOwnDatabase("rebalancer_e2e") { url in try await threeInstances(databaseURL: url) }
    }

    func threeInstances(databaseURL: String) async throws {
        let environment = try ExecutableTests.environment().merging(["BALLAST_DATABASE_URL": databaseURL]) { _, own in own }
        let user = "e2e-\(UUID().uuidString.prefix(8).lowercased())"
        for arguments in [["migrate"], ["user", "create", user]] {
            let command = try ServiceProcess("ballast", environment: environment)
            command.process.arguments = arguments
            try command.start()
            let status = await command.waitForExit(timeout: .seconds(60))
            guard status == 0 else {
                throw E2EError("ballast \(arguments.joined(separator: " ")) exited \(String(describing: status)):\n\(command.output)")
            }
        }
        // A Redis database of its own: rebalancers other tests start share the default one's `rebalancer` group and
        // would take these requests. Nothing else uses /6, so what an earlier run left there goes.
        let redisURL = (environment["BALLAST_REDIS_URL"] ?? "").trimmingTrailingSlash() + "/6"
        let redis = RedisClient(endpoint: try RedisEndpoint(url: redisURL, variable: "BALLAST_REDIS_URL"))
        _ = try await redis.send(RedisCommand("FLUSHDB"))
        var rebalancerEnvironment = environment
        rebalancerEnvironment["BALLAST_REDIS_URL"] = redisURL
        rebalancerEnvironment["BALLAST_DRIFT_MONITOR_SCHEDULE"] = "* * * * * *"
        rebalancerEnvironment["BALLAST_REBALANCE_LEASE_SECONDS"] = "5"
        // Entries a killed instance held go to another one after 7 s, once the lease of the run it held has ended.
        rebalancerEnvironment["BALLAST_PROCESSING_TIMEOUT_MS"] = "7000"
        rebalancerEnvironment["BALLAST_LOG_LEVEL"] = "info"
        // Four processes beside every other test on one PostgreSQL: a few connections each are plenty for 20 portfolios.
        rebalancerEnvironment["BALLAST_DATABASE_MAX_CONNECTIONS"] = "5"
        let instanceEnvironment = rebalancerEnvironment

        try await withDatabase(databaseURL) { database in
            let userID = try await Self.userID(user, in: database)
            for symbol in ["BTC-USD", "ETH-USD"] {
                try await database.query("INSERT INTO market_symbols (symbol) VALUES (\(symbol)) ON CONFLICT DO NOTHING")
            }
            var logger = Logger(label: "e2e")
            logger.logLevel = .critical
            let store = PortfolioStore(database: database, logger: logger)
            let schedule = try PortfolioSchedule.make(interval: .daily, cron: nil, timeZone: "UTC").get()
            for number in 1...Self.portfolioCount {
                let settings = PortfolioSettings(
                    name: "e2e \(number)", quoteCurrency: "USD", targetWeights: ["BTC": Self.fixed("50"), "ETH": Self.fixed("50")],
                    method: .drift, schedule: schedule, driftThreshold: Self.fixed("5"))
                _ = try await store.create(settings, user: userID, funding: .initialCash(Self.fixed("10000")))
            }

            var moves = [try await Self.setPrices(btc: Self.lowBTC, redis: redis)]
            var processes: [String: ServiceProcess] = [:]
            func start(_ instance: String) async throws {
                var own = instanceEnvironment
                own["BALLAST_INSTANCE"] = instance
                let port = try freePort()
                own[ServiceName.rebalancer.adminPortVariable] = String(port)
                let process = try ServiceProcess("rebalancer", environment: own)
                try process.start()
                processes[instance] = process
                let ready = await poll(timeout: .seconds(30)) { await httpGet("http://127.0.0.1:\(port)/readyz")?.status == 200 }
                guard ready else { throw E2EError("rebalancer \(instance) never became ready:\n\(process.output)") }
            }
            for instance in ["r1", "r2", "r3"] { try await start(instance) }
            defer { for process in processes.values where process.process.isRunning { process.signal(SIGKILL) } }

            // The first scan finds every portfolio all in cash and buys its weights.
            let funded = await poll(timeout: .seconds(20)) {
                (try? await count(
                    "SELECT count(DISTINCT portfolio_id)::int8 FROM rebalance_runs WHERE status = 'completed' AND orders_executed > 0",
                    in: database)) == Self.portfolioCount
            }
            #expect(funded, "the portfolios were not all bought in:\n\(Self.tails(processes))")

            /// Kills -9 the first of `candidates` seen running a rebalance before `deadline`, or, with `anyway`, the first
            /// of them once the deadline has passed.
            func kill(_ candidates: [String], until deadline: Date, anyway: Bool, afterMove move: Int) async throws -> Kill? {
                var running: [(UUID, String)] = []
                while Date() < deadline {
                    running = try await Self.runningRuns(in: database).filter { candidates.contains($0.1) }
                    if !running.isEmpty { break }
                    try await Task.sleep(for: .milliseconds(2))
                }
                guard let instance = running.first?.1 ?? (anyway ? candidates.first : nil), let process = processes[instance] else {
                    return nil
                }
                process.signal(SIGKILL)
                _ = await process.waitForExit(timeout: .seconds(10))
                return Kill(instance: instance, afterMove: move, running: running.filter { $0.1 == instance }.map(\.0))
            }

            // Prices move at half past a second, half-way between two ticks of the drift monitor, so each scan reads
            // one window's prices.
            var next = floor(Date().timeIntervalSince1970) + 1.5
            var kills: [Kill] = []
            for move in 1...Self.moves {
                try await Task.sleep(for: .seconds(max(0, next - Date().timeIntervalSince1970)))
                next += Self.moveInterval
                moves.append(try await Self.setPrices(btc: move.isMultiple(of: 2) ? Self.lowBTC : Self.highBTC, redis: redis))
                let beforeNextMove = Date().addingTimeInterval(Self.moveInterval - 0.3)
                if kills.isEmpty, move >= 5 {
                    // Midway, r1 is killed while it runs a rebalance if it gets one after one of four moves, else anyway;
                    // five moves later r4 replaces it.
                    if let kill = try await kill(["r1"], until: beforeNextMove, anyway: move >= 8, afterMove: move) { kills.append(kill) }
                } else if let first = kills.first, move == first.afterMove + 5 {
                    try await start("r4")
                }
            }
            // After the last move, whichever instance runs a rebalance first is killed too, and the two left must
            // finish what it held: its entries go to them when idle 7 s, and the runs once their 5 s lease has ended.
            if let kill = try await kill(["r2", "r3", "r4"], until: Date().addingTimeInterval(2.5), anyway: true, afterMove: Self.moves) {
                kills.append(kill)
            }
            try await Task.sleep(for: .seconds(1))
            let quietStart = ContinuousClock.now
            let quiet = await poll(timeout: .seconds(30)) {
                (try? await count("SELECT count(*)::int8 FROM rebalance_runs WHERE status IN ('pending', 'running')", in: database)) == 0
            }
            let quietAfter = ContinuousClock.now - quietStart
            for process in processes.values where process.process.isRunning { process.signal(SIGTERM) }
            for (instance, process) in processes.sorted(by: { $0.key < $1.key }) where !kills.contains(where: { $0.instance == instance }) {
                let status = await process.waitForExit(timeout: .seconds(20))
                #expect(
                    status == 0, "rebalancer \(instance) did not stop on SIGTERM (\(String(describing: status))):\n\(Self.tail(process))")
            }

            let history = try await RebalancerHistory.read(from: database)
            #expect(quiet, "runs were left pending or running: \(history.runs.filter { $0.finishedAt == nil })")
            let (problems, mustCross) = try await Self.check(history, moves: moves, kills: kills, in: database)
            let orders = try await count("SELECT count(*)::int8 FROM orders WHERE client_order_id LIKE 'rb-%'", in: database)
            Self.summarize(history, moves: moves, kills: kills, quietAfter: quietAfter, orders: orders, mustCross: mustCross)
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))\n\(Self.tails(processes))")
        }
    }

    // MARK: Checks

    /// What the history shows that should not be, one line each.
    static func check(
        _ history: RebalancerHistory, moves: [RebalancerHistory.PriceMove], kills: [Kill], in database: PostgresClient
    ) async throws -> (problems: [String], mustCross: Int) {
        var problems = Problems()
        let runs = history.runs
        problems.expect(runs.allSatisfy { $0.trigger == "drift" && !$0.dryRun }, "a run not asked for by the drift monitor")
        problems.expect(
            runs.allSatisfy { $0.status == "completed" || $0.status == "failed" }, "left behind: \(runs.filter { $0.finishedAt == nil })")

        // Never two runs of a portfolio at once.
        let overlapping = try await rows(
            """
            SELECT a.id::text || ' ' || b.id::text FROM rebalance_runs a JOIN rebalance_runs b ON a.portfolio_id = b.portfolio_id AND a.id < b.id
            WHERE a.started_at IS NOT NULL AND b.started_at IS NOT NULL
              AND tstzrange(a.started_at, coalesce(a.finished_at, 'infinity')) && tstzrange(b.started_at, coalesce(b.finished_at, 'infinity'))
            """, in: database)
        problems.expect(overlapping.isEmpty, "runs of one portfolio overlapped: \(overlapping)")

        // A completed run's orders are all there, once each; a failed run traded nothing.
        let mismatched = try await rows(
            """
            SELECT r.id::text || ' ' || r.status || ' recorded ' || (r.orders_executed + r.orders_failed) || '/' || r.orders_executed
                || ' placed ' || count(o.id) || '/' || count(o.id) FILTER (WHERE o.status = 'filled')
            FROM rebalance_runs r JOIN portfolios p ON p.id = r.portfolio_id
            LEFT JOIN orders o ON o.account_id = p.account_id AND o.client_order_id LIKE 'rb-' || r.id::text || '-%'
            GROUP BY r.id, r.status, r.orders_executed, r.orders_failed
            HAVING count(o.id) <> CASE WHEN r.status = 'completed' AND NOT r.dry_run THEN r.orders_executed + r.orders_failed ELSE 0 END
                OR count(o.id) FILTER (WHERE o.status = 'filled') <> CASE WHEN r.status = 'completed' THEN r.orders_executed ELSE 0 END
            """, in: database)
        problems.expect(mismatched.isEmpty, "runs whose orders are not what they recorded: \(mismatched)")
        let twice = try await rows(
            "SELECT client_order_id FROM orders GROUP BY client_order_id HAVING count(*) > 1", in: database)
        problems.expect(twice.isEmpty, "client order ids placed twice: \(twice)")
        let strays = try await rows(
            """
            SELECT o.client_order_id FROM orders o JOIN portfolios p ON p.account_id = o.account_id
            WHERE NOT EXISTS (SELECT 1 FROM rebalance_runs r WHERE o.client_order_id LIKE 'rb-' || r.id::text || '-%')
            """, in: database)
        problems.expect(strays.isEmpty, "orders of portfolio accounts that no run placed: \(strays)")

        // Balances are what the ledger says, and never negative.
        let unbalanced = try await rows(
            """
            SELECT coalesce(b.account_id, l.account_id)::text || ' ' || coalesce(b.asset, l.asset) || ' balance '
                || coalesce(b.available, 0) || '/' || coalesce(b.locked, 0) || ' ledger ' || coalesce(l.available, 0) || '/' || coalesce(l.locked, 0)
            FROM (SELECT * FROM balances WHERE account_id IN (SELECT account_id FROM portfolios)) b
            FULL JOIN (
                SELECT account_id, asset, sum(amount) FILTER (WHERE bucket = 'available') AS available,
                    sum(amount) FILTER (WHERE bucket = 'locked') AS locked
                FROM ledger_entries WHERE account_id IN (SELECT account_id FROM portfolios) GROUP BY account_id, asset
            ) l ON l.account_id = b.account_id AND l.asset = b.asset
            WHERE coalesce(b.available, 0) <> coalesce(l.available, 0) OR coalesce(b.locked, 0) <> coalesce(l.locked, 0)
               OR coalesce(b.available, 0) < 0
            """, in: database)
        problems.expect(unbalanced.isEmpty, "balances that disagree with the ledger: \(unbalanced)")

        // Each run started once and finished once, as the events say.
        for run in runs {
            let expected = ["rebalance.started", run.status == "completed" ? "rebalance.completed" : "rebalance.failed"]
            problems.expect(history.lifecycle[run.id] ?? [] == expected, "run \(run.id) (\(run.status), attempts \(run.attempts))")
        }

        // Drift: one event per crossing, each with its run; a crossing while a run is under way gets no second run.
        let portfolios = Set(try await ids("SELECT id FROM portfolios", in: database))
        var mustCross = 0
        for portfolio in portfolios {
            let driftRuns = runs.filter { $0.portfolio == portfolio }
            let events = history.driftEvents.filter { $0.portfolio == portfolio }
            problems.expect(!driftRuns.isEmpty, "portfolio \(portfolio) never rebalanced")
            let named = events.compactMap(\.runID)
            problems.expect(
                named.sorted(by: { $0.uuidString < $1.uuidString }) == driftRuns.map(\.id).sorted(by: { $0.uuidString < $1.uuidString }),
                "portfolio \(portfolio): drift events name runs \(named), its runs are \(driftRuns.map(\.id))")
            for event in events where event.runID == nil {
                let underWay = driftRuns.contains {
                    $0.requestedAt <= event.tick.addingTimeInterval(1) && ($0.finishedAt ?? .distantFuture) > event.tick
                }
                problems.expect(underWay, "portfolio \(portfolio): a crossing at \(event.tick) got no run, and none was under way")
            }
            var byWindow: [Int: Int] = [:]
            for event in events {
                // A scan that straddled a price move (a slow machine) could have read either prices: not counted.
                if let window = history.window(ofScanAt: event.tick, moves: moves) { byWindow[window, default: 0] += 1 }
            }
            problems.expect(
                byWindow.values.allSatisfy { $0 == 1 }, "portfolio \(portfolio): more than one crossing at one price: \(byWindow)")
            for window in moves.indices
            where history.mustCross(portfolio, window: window, moves: moves) && history.scanned(window: window, moves: moves) {
                mustCross += 1
                let crossed = events.contains { $0.runID != nil && history.window(ofScanAt: $0.tick, moves: moves) == window }
                problems.expect(
                    crossed,
                    "portfolio \(portfolio): balanced at BTC \(moves[max(0, window - 1)].btc), not rebalanced after the move to \(moves[window].btc) (window \(window))"
                )
            }
        }
        // The windows that must show a crossing are most of them: the check is not empty.
        problems.expect(mustCross >= portfolios.count * moves.count / 4, "only \(mustCross) windows were checked for a crossing")

        // Several instances ran rebalances.
        let runners = Set(runs.filter { $0.status == "completed" }.compactMap(\.runner))
        problems.expect(runners.count >= 2, "only \(runners) ran rebalances")
        for kill in kills {
            for id in kill.running {
                let run = runs.first { $0.id == id }
                problems.expect(
                    run?.status == "completed" || run?.status == "failed",
                    "the run \(kill.instance) held when killed: \(String(describing: run))")
            }
        }
        return (problems.lines, mustCross)
    }

    static func summarize(
        _ history: RebalancerHistory, moves: [RebalancerHistory.PriceMove], kills: [Kill], quietAfter: Duration, orders: Int,
        mustCross: Int
    ) {
        let runs = history.runs
        var byRunner: [String: Int] = [:]
        for run in runs { byRunner[run.runner ?? "-", default: 0] += 1 }
        let killed = kills.map { kill in
            let held = kill.running.compactMap { id in runs.first { $0.id == id } }.map {
                "\($0.id) \($0.status) attempts=\($0.attempts) runner=\($0.runner ?? "-")"
            }
            return "\(kill.instance) after move \(kill.afterMove) holding \(held)"
        }
        print(
            """
            rebalancer e2e: \(Self.portfolioCount) portfolios, \(moves.count - 1) price moves, \(runs.count) runs \
            (completed \(runs.filter { $0.status == "completed" }.count), failed \(runs.filter { $0.status == "failed" }.count), \
            taken over \(runs.filter { $0.attempts > 1 }.count)), \(orders) orders, \(history.driftEvents.count) drift events \
            (\(history.driftEvents.filter { $0.runID == nil }.count) without a run; \(mustCross) portfolio-moves that had to cross), runs by instance \(byRunner.sorted { $0.key < $1.key }), \
            killed \(killed), quiet \(quietAfter) after the last kill
            """)
    }

    // MARK: Helpers

    static func fixed(_ text: String) -> FixedDecimal { FixedDecimal(text)! }

    /// Writes BTC at `btc` and ETH at its fixed price, both timed now, the way market-data does.
    static func setPrices(btc: String, redis: RedisClient) async throws -> RebalancerHistory.PriceMove {
        let start = Date()
        let time = String(start.epochMilliseconds)
        _ = try await redis.pipeline([
            RedisCommand("SET", MarketKeys.price("BTC-USD"), btc), RedisCommand("SET", MarketKeys.priceTime("BTC-USD"), time),
            RedisCommand("SET", MarketKeys.price("ETH-USD"), eth), RedisCommand("SET", MarketKeys.priceTime("ETH-USD"), time),
        ])
        return RebalancerHistory.PriceMove(start: start, end: Date(), btc: btc)
    }

    static func userID(_ name: String, in database: PostgresClient) async throws -> UUID {
        let rows = try await database.query("SELECT id FROM users WHERE name = \(name)")
        for try await id in rows.decode(UUID.self) { return id }
        throw E2EError("user \(name) was not created")
    }

    /// The runs under way and their instances.
    static func runningRuns(in database: PostgresClient) async throws -> [(UUID, String)] {
        var runs: [(UUID, String)] = []
        let rows = try await database.query("SELECT id, runner FROM rebalance_runs WHERE status = 'running'")
        for try await run in rows.decode((UUID, String).self) { runs.append(run) }
        return runs
    }

    static func ids(_ query: PostgresQuery, in database: PostgresClient) async throws -> [UUID] {
        var ids: [UUID] = []
        for try await id in try await database.query(query).decode(UUID.self) { ids.append(id) }
        return ids
    }

    static func rows(_ query: PostgresQuery, in database: PostgresClient) async throws -> [String] {
        var rows: [String] = []
        for try await row in try await database.query(query).decode(String.self) { rows.append(row) }
        return rows
    }

    static func tail(_ process: ServiceProcess, lines: Int = 40) -> String {
        process.output.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    static func tails(_ processes: [String: ServiceProcess]) -> String {
        processes.sorted { $0.key < $1.key }.map { "--- \($0.key)\n\(tail($0.value))" }.joined(separator: "\n")
    }

    /// A rebalancer killed -9, after which price move, and the runs it was seen running.
    struct Kill {
        var instance: String
        var afterMove: Int
        var running: [UUID]
    }

    /// Failed checks, collected so that the processes' logs are printed once with all of them.
    struct Problems {
        var lines: [String] = []

        mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
            if !condition { lines.append(message()) }
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSlash() -> String { hasSuffix("/") ? String(dropLast()) : self }
}
