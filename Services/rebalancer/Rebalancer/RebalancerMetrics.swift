import BallastPortfolios
import Metrics

/// The rebalancer's metrics (`/metrics` on its admin port).
enum RebalancerMetrics {
    /// Finished runs by status and trigger.
    static func finished(_ run: RebalanceRun) {
        Counter(
            label: "ballast_rebalance_runs_total", dimensions: [("status", run.status.rawValue), ("trigger", run.triggeredBy.rawValue)]
        ).increment()
        Counter(label: "ballast_rebalance_orders_total", dimensions: [("outcome", "executed")]).increment(by: run.ordersExecuted)
        Counter(label: "ballast_rebalance_orders_total", dimensions: [("outcome", "failed")]).increment(by: run.ordersFailed)
    }

    /// One drift scan: portfolios valued, those found over their threshold, those that could not be valued.
    static func scanned(_ outcome: DriftMonitor.Outcome) {
        Gauge(label: "ballast_drift_scan_portfolios").record(outcome.scanned)
        Gauge(label: "ballast_drift_scan_over_threshold").record(outcome.over)
        Gauge(label: "ballast_drift_scan_unvalued").record(outcome.unvalued)
        Gauge(label: "ballast_drift_scan_seconds").record(outcome.seconds)
    }
}
