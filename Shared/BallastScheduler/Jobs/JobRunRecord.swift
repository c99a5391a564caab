import Foundation

/// One row of `job_runs`, as the admin routes show it.
public struct JobRunRecord: Sendable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        case running
        case succeeded
        case failed
        /// The body outlasted the job's timeout and was cancelled.
        case timedOut = "timed_out"
        /// The process was asked to stop and the body did not finish within the grace period.
        case interrupted
        /// The instance stopped renewing its heartbeat (killed, frozen); found by another instance.
        case abandoned
    }

    public var tick: Date
    public var trigger: JobRun.Trigger
    public var instance: String
    public var skippedBefore: Int
    public var startedAt: Date
    public var finishedAt: Date?
    public var outcome: Outcome
    public var error: String?
}
