import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// The rebalancer's reads and writes across all users' portfolios: the drift monitor's pages and crossings, the
/// scheduled portfolios that are due, and a portfolio by id for the run that rebalances it.
public struct PortfolioMonitorStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Portfolio `id` whoever owns it; nil when it does not exist or is deleted.
    public func portfolio(_ id: UUID) async throws -> Portfolio? {
        let rows = try await database.query(
            "SELECT \(unescaped: PortfolioRow.columns) FROM portfolios p WHERE p.id = \(id) AND p.deleted_at IS NULL", logger: logger)
        return try await PortfolioRow.decode(rows).first
    }

    /// Why portfolio `id` must not be traded by `run` now, read under the portfolio's lock in the caller's transaction
    /// (after its account's, the order every run takes them in): deleted, or paused for a run the owner did not ask
    /// for by hand. Nil when it may be traded.
    public static func refusal(of run: RebalanceRun, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        let rows = try await connection.query(
            "SELECT paused, deleted_at IS NOT NULL FROM portfolios WHERE id = \(run.portfolioID) FOR UPDATE", logger: logger)
        for try await (paused, deleted) in rows.decode((Bool, Bool).self) {
            if deleted { return "the portfolio was deleted" }
            if paused, run.triggeredBy != .manual { return "the portfolio is paused" }
            return nil
        }
        return "the portfolio was deleted"
    }

    /// Up to `limit` portfolios the drift monitor watches (drift or hybrid, not paused, not deleted) after `id`
    /// in id order, with their holdings: one statement, whose balances come packed in one text (`PackedPairs`) read
    /// straight into fixed point (scripts/bench/rebalancer).
    public func monitored(after id: UUID?, limit: Int) async throws -> [(Portfolio, PortfolioHoldings)] {
        let rows = try await database.query(
            """
            SELECT \(unescaped: PortfolioRow.columns), (\(unescaped: PortfolioHoldings.costBasisPointsSQL(account: "a")))::text,
                \(unescaped: PackedPairs.sql(name: "b.asset", value: "b.available::text", from: "balances b WHERE b.account_id = p.account_id"))
            FROM portfolios p
            JOIN paper_accounts a ON a.id = p.account_id
            WHERE p.deleted_at IS NULL AND NOT p.paused AND p.method IN ('drift', 'hybrid') AND (\(id)::uuid IS NULL OR p.id > \(id))
            ORDER BY p.id
            LIMIT \(limit)
            """,
            logger: logger)
        var page: [(Portfolio, PortfolioHoldings)] = []
        page.reserveCapacity(limit)
        var schedules: [String: PortfolioSchedule] = [:]
        for try await row in rows.decode(MonitoredRow.self) {
            let (
                id, userID, accountID, name, quote, weights, method, interval, cron, zone, threshold, relative, to, minimum,
                maxOrders, dryRun, paused, over, lastAt, nextAt, createdAt, updatedAt, feeText, balancesText
            ) = row
            let portfolio = try PortfolioRow.portfolio(
                (
                    id, userID, accountID, name, quote, weights, method, interval, cron, zone, threshold, relative, to, minimum,
                    maxOrders, dryRun, paused, over, lastAt, nextAt, createdAt, updatedAt
                ), schedules: &schedules)
            let holdings = PortfolioHoldings(
                available: PackedPairs.unpack(balancesText), quoteCurrency: quote, feeBasisPoints: feeText)
            page.append((portfolio, holdings))
        }
        return page
    }

    /// `PortfolioRow.Columns`, then the account's fee and slippage and its balances.
    private typealias MonitoredRow = (
        UUID, UUID, UUID, String, String, String?, String, String, String, String, String, Bool, String, String, Int?, Bool, Bool, Bool,
        Date?, Date?, Date, Date, String, String?
    )

    /// Records what one scan found: each of `crossings` that was within its band at the last scan is marked over it,
    /// publishes `drift.threshold_exceeded` and gets a run (`trigger: .drift`), in one transaction; the portfolios
    /// of `cleared` are marked back within. A crossing already recorded changes nothing: drift is reported once
    /// per crossing. A portfolio that already has an active run (a manual preview, say) is neither marked nor
    /// reported: the next scan after that run finds the crossing again. Returns the runs requested.
    public func record(crossings: [DriftCrossing], cleared: [UUID], dryRun: Bool, now: Date = Date()) async throws -> [RebalanceRun] {
        guard !crossings.isEmpty || !cleared.isEmpty else { return [] }
        let logger = self.logger
        return try await database.transaction(logger: logger) { connection in
            if !cleared.isEmpty {
                try await connection.query(
                    "UPDATE portfolios SET over_threshold = false WHERE id = ANY(\(cleared)) AND over_threshold", logger: logger)
            }
            guard !crossings.isEmpty else { return [] }
            let marked = try await connection.query(
                """
                UPDATE portfolios SET over_threshold = true
                WHERE id = ANY(\(crossings.map(\.portfolio.id))) AND NOT over_threshold AND NOT paused AND deleted_at IS NULL
                RETURNING id
                """,
                logger: logger)
            var newlyOver = Set<UUID>()
            for try await id in marked.decode(UUID.self) { newlyOver.insert(id) }
            let runs = try await RebalanceRunStore.request(
                crossings.filter { newlyOver.contains($0.portfolio.id) }.map(\.portfolio), trigger: .drift, dryRun: dryRun, now: now,
                on: connection, logger: logger)
            // A portfolio whose active run (a manual preview, say) kept this one out is not marked: the next scan finds
            // the crossing again, once that run is over.
            let withoutRun = newlyOver.subtracting(runs.keys)
            if !withoutRun.isEmpty {
                try await connection.query(
                    "UPDATE portfolios SET over_threshold = false WHERE id = ANY(\(Array(withoutRun)))", logger: logger)
            }
            let newCrossings = crossings.filter { runs[$0.portfolio.id] != nil }
            let events = try newCrossings.map { crossing in
                try Envelope.event(
                    PortfolioEvent.driftThresholdExceeded, userID: crossing.portfolio.userID, at: now,
                    data: DriftEvent(crossing, runID: runs[crossing.portfolio.id]?.id))
            }
            try await Outbox.enqueue(events, to: StreamName.events, on: connection, logger: logger)
            return newCrossings.compactMap { runs[$0.portfolio.id] }
        }
    }

    /// Requests a run (`trigger: .schedule`) for each scheduled or hybrid portfolio whose time has come, at most
    /// `limit`, and moves its next time to the schedule's next fire time after `now` (times missed while nothing ran
    /// are not made up one by one). A portfolio whose last run is still active is left due until that run is over.
    /// Returns the runs requested and how many portfolios were due.
    public func requestDue(now: Date = Date(), dryRun: Bool, limit: Int) async throws -> (runs: [RebalanceRun], due: Int) {
        let logger = self.logger
        return try await database.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: PortfolioRow.columns) FROM portfolios p
                WHERE p.deleted_at IS NULL AND NOT p.paused AND p.method IN ('scheduled', 'hybrid') AND p.next_rebalance_at <= \(now)
                  AND NOT EXISTS (SELECT 1 FROM rebalance_runs r WHERE r.portfolio_id = p.id AND r.status IN ('pending', 'running'))
                ORDER BY p.next_rebalance_at
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
                """,
                logger: logger)
            let due = try await PortfolioRow.decode(rows)
            let runs = try await RebalanceRunStore.request(
                due, trigger: .schedule, dryRun: dryRun, now: now, on: connection, logger: logger)
            // A portfolio whose active run kept this one out keeps its time: it is due again at the next tick.
            for portfolio in due where runs[portfolio.id] != nil {
                let next = portfolio.settings.schedule.next(after: now)
                try await connection.query("UPDATE portfolios SET next_rebalance_at = \(next) WHERE id = \(portfolio.id)", logger: logger)
            }
            return (due.compactMap { runs[$0.id] }, due.count)
        }
    }
}
