import CoreMetrics
import Synchronization

/// A metrics backend that keeps the samples of one timer, so the probe can print its percentiles.
final class OverheadRecorder: MetricsFactory, Sendable {
    private let label: String
    private let samples = Samples()

    init(label: String) { self.label = label }

    /// The `fraction` quantile in milliseconds, and the sample count.
    func quantile(_ fraction: Double) -> (milliseconds: Double, count: Int) {
        let sorted = samples.values.withLock { $0.sorted() }
        guard !sorted.isEmpty else { return (0, 0) }
        let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
        return (Double(sorted[max(0, index)]) / 1e6, sorted.count)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        label == self.label ? samples : NOOPMetricsHandler.instance
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { NOOPMetricsHandler.instance }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        NOOPMetricsHandler.instance
    }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    private final class Samples: TimerHandler, Sendable {
        let values = Mutex<[Int64]>([])
        func recordNanoseconds(_ duration: Int64) { values.withLock { $0.append(duration) } }
    }
}
