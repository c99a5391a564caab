/// A run's fence is gone: its `job_runs` row is no longer running, because another instance found the
/// run silent for a whole lock TTL (this instance froze, or lost its database) and marked it abandoned.
/// Another run of the job may be under way; this one must not write anything more.
public enum JobFenceError: Error, Equatable, CustomStringConvertible {
    /// `outcome` is what the row says now; nil when it no longer exists.
    case lost(job: String, runID: Int64, outcome: String?)

    public var description: String {
        switch self {
        case .lost(let job, let runID, let outcome):
            "run \(runID) of job '\(job)' is \(outcome ?? "gone"), no longer running: another instance has taken the job over, "
                + "so this run stops without writing"
        }
    }
}
