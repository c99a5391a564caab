import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// Requests, claims, finishes and reads rebalance runs. A portfolio has at most one active run
/// (`rebalance_runs_one_active`); a running run is held under a lease by the rebalancer running it, and its result is
/// written only while that rebalancer still holds it (`finish` is fenced on the runner), so a run taken over from a
/// stopped instance is never written twice.
public struct RebalanceRunStore: Sendable {
    public enum RequestOutcome: Sendable, Equatable {
        case requested(RebalanceRun)
        /// The portfolio already has a pending or running run: this one.
        case alreadyActive(UUID)
        case notFound
    }

    /// The run's lease ended and another rebalancer may hold it: what this one computed must not be written.
    public struct LostLease: Error {}

    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Asks for a run of portfolio `id` of `user` (the API's manual rebalance).
    public func request(
        portfolio id: UUID, user: UUID, trigger: RebalanceTrigger, dryRun: Bool, now: Date = Date()
    ) async throws -> RequestOutcome {
        let logger = self.logger
        return try await database.transaction(logger: logger) { connection in
            guard let portfolio = try await PortfolioStore.lock(id, user: user, on: connection, logger: logger) else { return .notFound }
            // The active run that refused this one can finish before it is looked up: then this one is asked for again.
            while true {
                if let run = try await Self.request(portfolio, trigger: trigger, dryRun: dryRun, now: now, on: connection, logger: logger) {
                    return .requested(run)
                }
                let rows = try await connection.query(
                    "SELECT id FROM rebalance_runs WHERE portfolio_id = \(id) AND status IN ('pending', 'running')", logger: logger)
                for try await active in rows.decode(UUID.self) { return .alreadyActive(active) }
            }
        }
    }

    /// Inserts a pending run of `portfolio` and its request message, in the caller's transaction; nil when the
    /// portfolio already has an active run. A portfolio set to dry run makes every run a dry run.
    public static func request(
        _ portfolio: Portfolio, trigger: RebalanceTrigger, dryRun: Bool, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> RebalanceRun? {
        try await request([portfolio], trigger: trigger, dryRun: dryRun, now: now, on: connection, logger: logger)[portfolio.id]
    }

    /// `request` for many portfolios with one statement for the runs and one for their messages; returns the runs
    /// inserted, by portfolio (a portfolio with an active run gets none).
    public static func request(
        _ portfolios: [Portfolio], trigger: RebalanceTrigger, dryRun: Bool, now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> [UUID: RebalanceRun] {
        guard !portfolios.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            WITH r AS (
                INSERT INTO rebalance_runs (id, portfolio_id, user_id, triggered_by, dry_run, status, requested_at)
                SELECT gen_random_uuid(), p.portfolio_id, p.user_id, \(trigger.rawValue), p.dry_run, 'pending', \(now)
                FROM unnest(\(portfolios.map(\.id))::uuid[], \(portfolios.map(\.userID))::uuid[],
                    \(portfolios.map { dryRun || $0.settings.dryRun })::bool[]) AS p(portfolio_id, user_id, dry_run)
                ON CONFLICT (portfolio_id) WHERE status IN ('pending', 'running') DO NOTHING
                RETURNING *
            )
            SELECT \(unescaped: RebalanceRunRow.columns) FROM r
            """,
            logger: logger)
        let runs = try await RebalanceRunRow.decode(rows)
        let requests = try runs.map { try RebalanceRequest(runID: $0.id, portfolioID: $0.portfolioID).envelope }
        try await Outbox.enqueue(requests, to: StreamName.rebalanceRequests, on: connection, logger: logger)
        return Dictionary(uniqueKeysWithValues: runs.map { ($0.portfolioID, $0) })
    }

    /// Run `id` of `user`.
    public func run(_ id: UUID, user: UUID) async throws -> RebalanceRun? {
        let rows = try await database.query(
            "SELECT \(unescaped: RebalanceRunRow.columns) FROM rebalance_runs r WHERE r.id = \(id) AND r.user_id = \(user)", logger: logger)
        return try await RebalanceRunRow.decode(rows).first
    }

    /// The runs of portfolio `portfolio` of `user` (deleted portfolios included: their history stays), newest
    /// first; nil when the portfolio is not the user's.
    public func runs(portfolio: UUID, user: UUID, after cursor: PageCursor?, limit: Int) async throws -> Page<RebalanceRun>? {
        let owned = try await database.query("SELECT 1 FROM portfolios WHERE id = \(portfolio) AND user_id = \(user)", logger: logger)
        var found = false
        for try await _ in owned.decode(Int.self) { found = true }
        guard found else { return nil }
        let rows = try await database.query(
            """
            SELECT \(unescaped: RebalanceRunRow.columns) FROM rebalance_runs r
            WHERE r.portfolio_id = \(portfolio)
              AND (\(cursor == nil) OR (r.requested_at, r.id) < (\(cursor?.date ?? Date()), \(cursor?.id ?? UUID())))
            ORDER BY r.requested_at DESC, r.id DESC
            LIMIT \(limit + 1)
            """,
            logger: logger)
        let runs = try await RebalanceRunRow.decode(rows)
        return Page(runs.map { ($0, PageCursor(date: $0.requestedAt, id: $0.id)) }, limit: limit)
    }

    // MARK: The rebalancer's side

    /// Takes run `id` for `runner` until `lease` from now: a pending run, or a running one whose lease ended (its
    /// rebalancer stopped). The first start publishes `rebalance.started`. Nil when the run is finished or another
    /// rebalancer holds it.
    public func claim(_ id: UUID, runner: String, lease: Duration, now: Date = Date()) async throws -> RebalanceRun? {
        let logger = self.logger
        let leaseUntil = now.addingTimeInterval(lease.inSeconds)
        return try await database.transaction(logger: logger) { connection -> RebalanceRun? in
            let rows = try await connection.query(
                """
                WITH r AS (
                    UPDATE rebalance_runs SET status = 'running', runner = \(runner), lease_until = \(leaseUntil),
                        attempts = attempts + 1, started_at = coalesce(started_at, \(now))
                    WHERE id = \(id) AND (status = 'pending' OR (status = 'running' AND lease_until < \(now)))
                    RETURNING *
                )
                SELECT \(unescaped: RebalanceRunRow.columns) FROM r
                """,
                logger: logger)
            guard let run = try await RebalanceRunRow.decode(rows).first else { return nil }
            if run.attempts == 1 {
                let event = try Envelope.event(
                    PortfolioEvent.rebalanceStarted, userID: run.userID, at: now, data: RebalanceRunView(run, detailed: false))
                try await Outbox.enqueue(event, to: StreamName.events, on: connection, logger: logger)
            }
            return run
        }
    }

    /// The status of run `id`, whoever owns it; nil when there is no such run (purged).
    public func status(of id: UUID) async throws -> RebalanceRunStatus? {
        let rows = try await database.query("SELECT status FROM rebalance_runs WHERE id = \(id)", logger: logger)
        for try await text in rows.decode(String.self) { return RebalanceRunStatus(rawValue: text) }
        return nil
    }

    /// Writes the finished `run` (completed or failed) in the caller's transaction, with its event, only while
    /// `runner` still holds it; throws `LostLease` otherwise, which rolls back everything the transaction did. A
    /// completed run that traded marks the portfolio rebalanced, and ends its drift crossing when it left the
    /// portfolio `backInsideBand` (one held back by `maxOrders` or cash leaves it to the monitor, which ends it once the
    /// portfolio is back inside, so the same crossing is not reported again). A failed drift run ends its crossing,
    /// so that the next scan that still finds the portfolio out of its band asks again.
    public static func finish(
        _ run: RebalanceRun, runner: String, backInsideBand: Bool = false, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let finishedAt = run.finishedAt ?? Date()
        let marksPortfolio = run.status == .completed && !run.dryRun && run.ordersExecuted > 0
        let endsCrossing = run.status == .failed && run.triggeredBy == .drift
        if marksPortfolio || endsCrossing {
            // The portfolio before its run, the order `request` takes them in: the other way round, a request waiting on
            // this run's row while holding the portfolio deadlocks with it.
            try await connection.query("SELECT 1 FROM portfolios WHERE id = \(run.portfolioID) FOR UPDATE", logger: logger)
        }
        // The event carries the time the row gets.
        var run = run
        run.finishedAt = finishedAt
        let rows = try await connection.query(
            """
            UPDATE rebalance_runs SET
                status = \(run.status.rawValue), dry_run = \(run.dryRun), finished_at = \(finishedAt), lease_until = NULL,
                inputs = \(try run.inputs.map(RebalanceRunRow.json))::jsonb, plan = \(try run.plan.map(RebalanceRunRow.json))::jsonb,
                orders = \(try RebalanceRunRow.json(run.orders))::jsonb, errors = \(try RebalanceRunRow.json(run.errors))::jsonb,
                value_before = \(run.valueBefore.map { "\($0)" })::numeric, value_after = \(run.valueAfter.map { "\($0)" })::numeric,
                orders_planned = \(run.ordersPlanned), orders_executed = \(run.ordersExecuted), orders_failed = \(run.ordersFailed),
                total_value_traded = \("\(run.totalValueTraded)")::numeric
            WHERE id = \(run.id) AND status = 'running' AND runner = \(runner) AND attempts = \(run.attempts)
            RETURNING 1
            """,
            logger: logger)
        var written = false
        for try await _ in rows.decode(Int.self) { written = true }
        guard written else { throw LostLease() }
        if marksPortfolio {
            try await connection.query(
                """
                UPDATE portfolios SET last_rebalanced_at = \(finishedAt), over_threshold = over_threshold AND NOT \(backInsideBand)
                WHERE id = \(run.portfolioID)
                """,
                logger: logger)
        } else if endsCrossing {
            try await connection.query("UPDATE portfolios SET over_threshold = false WHERE id = \(run.portfolioID)", logger: logger)
        }
        let type = run.status == .completed ? PortfolioEvent.rebalanceCompleted : PortfolioEvent.rebalanceFailed
        let event = try Envelope.event(type, userID: run.userID, at: finishedAt, data: RebalanceRunView(run, detailed: false))
        try await Outbox.enqueue(event, to: StreamName.events, on: connection, logger: logger)
    }

    /// Ends `run` as failed with `reason`, in its own transaction, if `runner` still holds it; returns it as written.
    @discardableResult
    public func fail(_ run: RebalanceRun, runner: String, reason: String, now: Date = Date()) async throws -> RebalanceRun {
        let failed = run.failed(reason, at: now)
        let logger = self.logger
        try await database.transaction(logger: logger) { connection in
            try await Self.finish(failed, runner: runner, on: connection, logger: logger)
        }
        return failed
    }

    /// Runs left behind: pending ones requested more than `pendingFor` ago (their message may have gone to the
    /// dead-letter stream) and running ones whose lease ended. Those started `maxAttempts` times end as failed;
    /// the others get a new request message. Returns how many of each.
    public func recover(pendingFor: Duration, maxAttempts: Int, now: Date = Date()) async throws -> (requeued: Int, failed: Int) {
        let logger = self.logger
        let pendingBefore = now.addingTimeInterval(-pendingFor.inSeconds)
        return try await database.transaction(logger: logger) { connection in
            let failedRows = try await connection.query(
                """
                SELECT \(unescaped: RebalanceRunRow.columns) FROM rebalance_runs r
                WHERE r.status = 'running' AND r.lease_until < \(now) AND r.attempts >= \(maxAttempts)
                FOR UPDATE SKIP LOCKED
                """,
                logger: logger)
            let abandoned = try await RebalanceRunRow.decode(failedRows)
            for run in abandoned {
                try await connection.query("UPDATE rebalance_runs SET runner = 'recovery' WHERE id = \(run.id)", logger: logger)
                let failed = run.failed("abandoned: \(run.attempts) rebalancers stopped while running it", at: now)
                try await Self.finish(failed, runner: "recovery", on: connection, logger: logger)
            }
            let stuck = try await connection.query(
                """
                SELECT r.id, r.portfolio_id FROM rebalance_runs r
                WHERE (r.status = 'pending' AND r.requested_at < \(pendingBefore))
                   OR (r.status = 'running' AND r.lease_until < \(now) AND r.attempts < \(maxAttempts))
                FOR UPDATE SKIP LOCKED
                """,
                logger: logger)
            var requests: [Envelope] = []
            for try await (run, portfolio) in stuck.decode((UUID, UUID).self) {
                requests.append(try RebalanceRequest(runID: run, portfolioID: portfolio).envelope)
            }
            try await Outbox.enqueue(requests, to: StreamName.rebalanceRequests, on: connection, logger: logger)
            return (requests.count, abandoned.count)
        }
    }

    /// Deletes finished runs that finished before `cutoff`, at most `limit`; returns how many.
    public func purge(finishedBefore cutoff: Date, limit: Int) async throws -> Int {
        let rows = try await database.query(
            """
            WITH gone AS (
                DELETE FROM rebalance_runs WHERE id IN (
                    SELECT id FROM rebalance_runs WHERE status IN ('completed', 'failed') AND finished_at < \(cutoff) LIMIT \(limit))
                RETURNING 1
            )
            SELECT count(*)::int8 FROM gone
            """,
            logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
