import Foundation
import Logging

/// What a job's body gets: the tick it runs for and a logger that names both.
public struct JobRun: Sendable {
    public enum Trigger: String, Sendable, Codable {
        /// A tick of the job's schedule.
        case schedule
        /// "Run now", requested through the admin routes; `tick` is the time of the request.
        case manual
    }

    /// The `job_runs` row of this run.
    public let id: Int64
    public let job: String
    /// The scheduled time this run is for (not when it started: that is later by the lag).
    public let tick: Date
    public let trigger: Trigger
    public let logger: Logger
}
