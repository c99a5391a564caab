import BallastCore
import BallastScheduler

/// The rebalancer's settings (docs/configuration.md).
struct RebalancerSettings: Sendable {
    /// `BALLAST_DRIFT_MONITOR_SCHEDULE`: when the drift monitor scans (a cron expression, UTC).
    var driftMonitorSchedule: String
    /// `BALLAST_DRIFT_MONITOR_ENABLED`: off, the monitor's ticks do nothing (scheduled and manual runs go on).
    var driftMonitorEnabled: Bool
    /// `BALLAST_SCHEDULER_DRY_RUN`: every run plans and records, none trades.
    var forceDryRun: Bool
    /// `BALLAST_REBALANCE_MAX_PRICE_AGE_SECONDS`: an older last price fails a run (nothing traded) and leaves a
    /// portfolio out of a drift scan.
    var maxPriceAge: Duration
    /// How long a rebalancer holds a run before another may take it over.
    var lease: Duration
    /// `BALLAST_RETENTION_REBALANCE_DAYS`: finished runs are kept this long.
    var retention: Duration

    init(environment: EnvironmentReader = EnvironmentReader()) throws {
        driftMonitorSchedule = try environment.cronSchedule("BALLAST_DRIFT_MONITOR_SCHEDULE", default: "*/5 * * * *")
        driftMonitorEnabled = try environment.boolean("BALLAST_DRIFT_MONITOR_ENABLED", default: true)
        forceDryRun = try environment.boolean("BALLAST_SCHEDULER_DRY_RUN", default: false)
        maxPriceAge = .seconds(try environment.integer("BALLAST_REBALANCE_MAX_PRICE_AGE_SECONDS", default: 300, range: 1...86_400))
        lease = .seconds(try environment.integer("BALLAST_REBALANCE_LEASE_SECONDS", default: 30, range: 5...3_600))
        retention = .seconds(try environment.integer("BALLAST_RETENTION_REBALANCE_DAYS", default: 90, range: 1...36_500) * 86_400)
    }
}
