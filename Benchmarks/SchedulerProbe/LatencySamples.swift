import BallastCore
import Synchronization

/// Durations collected from concurrent tasks, for percentiles at the end of a run.
final class LatencySamples: Sendable {
    private let values = Mutex<[Int64]>([])

    func record(nanoseconds: Int64) { values.withLock { $0.append(nanoseconds) } }

    func record(_ duration: Duration) { record(nanoseconds: duration.wholeNanoseconds) }

    /// The `fraction` quantile in milliseconds (nearest rank), and the sample count.
    func quantile(_ fraction: Double) -> (milliseconds: Double, count: Int) {
        let sorted = values.withLock { $0.sorted() }
        guard !sorted.isEmpty else { return (0, 0) }
        let rank = Int((Double(sorted.count) * fraction).rounded(.up)) - 1
        return (Double(sorted[min(sorted.count - 1, max(0, rank))]) / 1e6, sorted.count)
    }
}
