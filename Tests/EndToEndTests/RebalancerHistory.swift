import Foundation
import PostgresNIO

/// What the rebalancer processes left in their database, read once they stopped, and the checks the multi-instance
/// test makes on it.
struct RebalancerHistory {
    struct Run {
        var id: UUID
        var portfolio: UUID
        var trigger: String
        var status: String
        var dryRun: Bool
        var requestedAt: Date
        var startedAt: Date?
        var finishedAt: Date?
        var runner: String?
        var attempts: Int
        var planned: Int
        var executed: Int
        var failed: Int
    }

    struct DriftEvent {
        var portfolio: UUID
        var runID: UUID?
        var tick: Date
    }

    /// One run of the drift monitor job.
    struct Scan {
        var tick: Date
        var startedAt: Date
        var finishedAt: Date?
        var outcome: String
    }

    /// One write of new prices: readers see the new ones from `end` on, the old ones before `start`.
    struct PriceMove {
        var start: Date
        var end: Date
        var btc: String
    }

    var runs: [Run] = []
    var driftEvents: [DriftEvent] = []
    /// `rebalance.started`, `.completed` and `.failed` events by run id, in outbox order.
    var lifecycle: [UUID: [String]] = [:]
    var scans: [Scan] = []

    static func read(from database: PostgresClient) async throws -> RebalancerHistory {
        var history = RebalancerHistory()
        let runRows = try await database.query(
            """
            SELECT id, portfolio_id, triggered_by, status, dry_run, requested_at, started_at, finished_at, runner, attempts::int8,
                orders_planned::int8, orders_executed::int8, orders_failed::int8
            FROM rebalance_runs ORDER BY requested_at, id
            """)
        for try await row in runRows.decode((UUID, UUID, String, String, Bool, Date, Date?, Date?, String?, Int, Int, Int, Int).self) {
            history.runs.append(
                Run(
                    id: row.0, portfolio: row.1, trigger: row.2, status: row.3, dryRun: row.4, requestedAt: row.5, startedAt: row.6,
                    finishedAt: row.7, runner: row.8, attempts: row.9, planned: row.10, executed: row.11, failed: row.12))
        }
        let eventRows = try await database.query(
            """
            SELECT type, occurred_at, data FROM outbox
            WHERE type IN ('drift.threshold_exceeded', 'rebalance.started', 'rebalance.completed', 'rebalance.failed')
            ORDER BY id
            """)
        for try await (type, occurredAt, data) in eventRows.decode((String, Date, String).self) {
            let envelope = try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] ?? [:]
            let object = envelope["data"] as? [String: Any] ?? [:]
            if type == "drift.threshold_exceeded" {
                guard let portfolio = (object["portfolioId"] as? String).flatMap(UUID.init(uuidString:)) else {
                    throw E2EError("a drift event without portfolioId: \(data)")
                }
                history.driftEvents.append(
                    DriftEvent(portfolio: portfolio, runID: (object["runId"] as? String).flatMap(UUID.init(uuidString:)), tick: occurredAt))
            } else {
                guard let run = (object["id"] as? String).flatMap(UUID.init(uuidString:)) else {
                    throw E2EError("a \(type) event without id: \(data)")
                }
                history.lifecycle[run, default: []].append(type)
            }
        }
        let scanRows = try await database.query(
            "SELECT tick, started_at, finished_at, outcome FROM job_runs WHERE job = 'portfolios.drift-monitor' ORDER BY tick")
        for try await (tick, startedAt, finishedAt, outcome) in scanRows.decode((Date, Date, Date?, String).self) {
            history.scans.append(Scan(tick: tick, startedAt: startedAt, finishedAt: finishedAt, outcome: outcome))
        }
        return history
    }

    /// The price window `date` falls in: `k` when `moves[k]` was written and `moves[k + 1]` not yet begun; nil while
    /// a write was under way (either prices could have been read).
    static func window(of date: Date, moves: [PriceMove]) -> Int? {
        for (index, move) in moves.enumerated().reversed() {
            if date >= move.end { return index }
            if date >= move.start { return nil }
        }
        return nil
    }

    /// The window whose prices the scan of `tick` read: the scan's own start, as the job run recorded it (the tick
    /// is when it was due).
    func window(ofScanAt tick: Date, moves: [PriceMove]) -> Int? {
        let scan = scans.first { abs($0.tick.timeIntervalSince(tick)) < 0.001 }
        guard let scan else { return Self.window(of: tick, moves: moves) }
        let first = Self.window(of: scan.startedAt, moves: moves)
        let last = Self.window(of: scan.finishedAt ?? scan.startedAt, moves: moves)
        return first == last ? first : nil
    }

    /// Whether `portfolio` was balanced at the prices of window `k - 1` and had nothing under way when window `k`'s
    /// prices were written, so that they took it out of its band (every move changes its weights by 10 points) and
    /// the first scan of window `k` must report the crossing and request a run.
    func mustCross(_ portfolio: UUID, window k: Int, moves: [PriceMove]) -> Bool {
        guard k >= 1 else { return true }
        let before = runs.filter { $0.portfolio == portfolio && $0.requestedAt < moves[k].start }
        guard before.allSatisfy({ ($0.finishedAt ?? .distantFuture) < moves[k].start }) else { return false }
        guard let last = before.max(by: { $0.finishedAt! < $1.finishedAt! }) else { return false }
        return last.status == "completed" && last.executed > 0 && last.attempts == 1
            && (last.startedAt ?? .distantPast) > moves[k - 1].end
    }

    /// Whether a scan of the drift monitor started and finished inside window `k`.
    func scanned(window k: Int, moves: [PriceMove]) -> Bool {
        scans.contains { scan in
            scan.outcome == "succeeded" && Self.window(of: scan.startedAt, moves: moves) == k
                && Self.window(of: scan.finishedAt ?? .distantFuture, moves: moves) == k
        }
    }
}
