import Foundation
import Logging
import PostgresNIO

/// What a job's body gets: the tick it runs for, a logger that names both, and the run's fence.
public struct JobRun: Sendable {
    public enum Trigger: String, Sendable, Codable {
        /// A tick of the job's schedule.
        case schedule
        /// "Run now", requested through the admin routes; `tick` is the time of the request.
        case manual
    }

    /// The `job_runs` row of this run: the fencing token.
    public let id: Int64
    public let job: String
    /// The scheduled time this run is for (not when it started: that is later by the lag).
    public let tick: Date
    public let trigger: Trigger
    public let logger: Logger

    /// Call inside each of the body's transactions, on its connection: throws `JobFenceError.lost` when the
    /// run is no longer running (another instance marked it abandoned after this one froze past its lock
    /// TTL), so that transaction rolls back. Otherwise the run's row stays locked `FOR KEY SHARE` until the
    /// transaction ends, and the claim that would abandon it waits for the commit: every write made under
    /// the fence is committed before another run of the job can start.
    public func holdFence(on connection: PostgresConnection) async throws {
        let rows = try await connection.query("SELECT outcome FROM job_runs WHERE id = \(id) FOR KEY SHARE", logger: logger)
        var outcome: String?
        for try await value in rows.decode(String.self) { outcome = value }
        guard outcome == JobRunRecord.Outcome.running.rawValue else {
            throw JobFenceError.lost(job: job, runID: id, outcome: outcome)
        }
    }
}
