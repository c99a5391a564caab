/// What a job does with ticks that came due while it could not run (all instances down or paused, the
/// job still running, the database unreachable).
///
/// Either way at most one of the missed ticks runs, never one per missed tick: passed-over ticks are
/// counted (`ballast_job_skipped_ticks_total`, `job_runs.skipped_before`), not replayed.
public enum CatchUpPolicy: Sendable, Hashable {
    /// Missed ticks are dropped; the job runs again at its next tick. A tick counts as missed when an
    /// instance gets to it more than `onTimeTolerance` late.
    case skip
    /// The most recent missed tick runs once, if no more than `startingDeadline` has passed since it.
    case runOnce(startingDeadline: Duration)

    /// How late a tick may start and still count as on time under `.skip`: timers and a busy machine
    /// delay every tick a little.
    public static let onTimeTolerance: Duration = .seconds(1)

    /// The latest a tick may start.
    public var startingDeadline: Duration {
        switch self {
        case .skip: Self.onTimeTolerance
        case .runOnce(let deadline): max(deadline, Self.onTimeTolerance)
        }
    }
}
