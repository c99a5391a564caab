import BallastCore
import Metrics

/// The metrics of one job, labelled with its name.
struct JobMetrics: Sendable {
    private let job: String
    private let skipped: Counter
    private let lockLost: Counter
    private let duration: Timer
    private let lag: Timer
    private let overhead: Timer

    init(job: String) {
        self.job = job
        let dimensions = [("job", job)]
        skipped = Counter(label: "ballast_job_skipped_ticks_total", dimensions: dimensions)
        lockLost = Counter(label: "ballast_job_lock_lost_total", dimensions: dimensions)
        duration = Timer(label: "ballast_job_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
        lag = Timer(label: "ballast_job_lag_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
        overhead = Timer(label: "ballast_job_overhead_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
    }

    /// A run ended; `runs_total` is labelled by outcome.
    func ran(outcome: JobRunRecord.Outcome, duration elapsed: Duration) {
        Counter(label: "ballast_job_runs_total", dimensions: [("job", job), ("outcome", outcome.rawValue)]).increment()
        duration.recordNanoseconds(elapsed.wholeNanoseconds)
    }

    /// Ticks that did not run: passed over during a run (no overlap), downtime, or while disabled.
    func skippedTicks(_ count: Int) {
        if count > 0 { skipped.increment(by: count) }
    }

    /// Time from the tick to the start of its body.
    func started(lag elapsed: Duration) { lag.recordNanoseconds(elapsed.wholeNanoseconds) }

    /// The scheduler's own cost per run: Redis lock, Postgres fence, recording the outcome, unlocking.
    func overhead(_ elapsed: Duration) { overhead.recordNanoseconds(elapsed.wholeNanoseconds) }

    func lostLock() { lockLost.increment() }
}
