import BallastCore
import BallastDeposits
import BallastScheduler

/// The deposits service's settings (docs/configuration.md). The schedules default to the seed's cadence.
struct DepositsSettings: Sendable {
    var chains: [ChainSettings]
    /// `BALLAST_DEPOSITS_SCAN_SCHEDULE`: each chain's scan for new blocks.
    var scanSchedule: String
    /// `BALLAST_DEPOSITS_CONFIRMATIONS_SCHEDULE`: confirmations brought up to the scanned height.
    var confirmationsSchedule: String
    /// `BALLAST_DEPOSITS_CREDIT_SCHEDULE`: confirmed deposits credited.
    var creditSchedule: String
    /// `BALLAST_DEPOSITS_STATS_SCHEDULE`: counts per chain and status into the metrics and the log.
    var statsSchedule: String
    /// `BALLAST_DEPOSITS_STUCK_SCHEDULE`: the report of deposits not credited a day (`stuckAfter`) after they were seen.
    var stuckSchedule: String
    /// `BALLAST_DEPOSITS_STUCK_AFTER_HOURS`.
    var stuckAfter: Duration
    /// `BALLAST_DEPOSITS_CREDIT_BATCH`: deposits credited per transaction.
    var creditBatch: Int

    init(environment: EnvironmentReader = EnvironmentReader()) throws {
        chains = try ChainSettings.all(from: environment)
        scanSchedule = try environment.cronSchedule("BALLAST_DEPOSITS_SCAN_SCHEDULE", default: "*/10 * * * * *")
        confirmationsSchedule = try environment.cronSchedule("BALLAST_DEPOSITS_CONFIRMATIONS_SCHEDULE", default: "*/30 * * * * *")
        creditSchedule = try environment.cronSchedule("BALLAST_DEPOSITS_CREDIT_SCHEDULE", default: "*/10 * * * * *")
        statsSchedule = try environment.cronSchedule("BALLAST_DEPOSITS_STATS_SCHEDULE", default: "*/5 * * * *")
        stuckSchedule = try environment.cronSchedule("BALLAST_DEPOSITS_STUCK_SCHEDULE", default: "0 * * * *")
        stuckAfter = .seconds(try environment.integer("BALLAST_DEPOSITS_STUCK_AFTER_HOURS", default: 24, range: 1...8_760) * 3_600)
        creditBatch = try environment.integer("BALLAST_DEPOSITS_CREDIT_BATCH", default: 2_000, range: 1...50_000)
    }
}
