import BallastWebhooks
import Metrics

/// The notifier's metrics (`/metrics` on its admin port).
enum NotifierMetrics {
    /// Attempts by outcome (`succeeded`, `http_5xx`, `error`, ...) and what followed (`delivered`, `retry`, `failed`).
    static func record(_ result: AttemptResult, next: AttemptRecord.Next) {
        let following =
            switch next {
            case .succeeded: "delivered"
            case .retry: "retry"
            case .failed: "failed"
            }
        Counter(label: "ballast_webhook_attempts_total", dimensions: [("outcome", result.outcomeLabel), ("next", following)]).increment()
        Timer(label: "ballast_webhook_attempt_duration_seconds", preferredDisplayUnit: .seconds).recordNanoseconds(
            result.duration.wholeNanoseconds)
    }

    /// Deliveries claimed for an attempt, by how: `intake` (as they were stored) or `claim` (due rows).
    static func claimed(_ count: Int, via path: String) {
        guard count > 0 else { return }
        Counter(label: "ballast_webhook_claimed_total", dimensions: [("via", path)]).increment(by: count)
    }

    static func resultDropped() {
        Counter(label: "ballast_webhook_results_dropped_total").increment()
    }

    static func endpointDisabled() {
        Counter(label: "ballast_webhook_endpoints_disabled_total").increment()
    }

    static func backlog(due: Int, disabledEndpoints: Int) {
        Gauge(label: "ballast_webhook_due_deliveries").record(due)
        Gauge(label: "ballast_webhook_disabled_endpoints").record(disabledEndpoints)
    }
}
