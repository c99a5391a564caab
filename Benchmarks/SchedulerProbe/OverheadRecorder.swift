import CoreMetrics

/// A metrics backend that keeps the samples of one timer, so the probe can print its percentiles.
final class OverheadRecorder: MetricsFactory, Sendable {
    private let label: String
    let samples = LatencySamples()

    init(label: String) { self.label = label }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        label == self.label ? Handler(samples: samples) : NOOPMetricsHandler.instance
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { NOOPMetricsHandler.instance }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        NOOPMetricsHandler.instance
    }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    private final class Handler: TimerHandler, Sendable {
        let samples: LatencySamples
        init(samples: LatencySamples) { self.samples = samples }
        func recordNanoseconds(_ duration: Int64) { samples.record(nanoseconds: duration) }
    }
}
