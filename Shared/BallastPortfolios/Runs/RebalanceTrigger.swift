/// What started a rebalance run.
public enum RebalanceTrigger: String, Sendable, Codable, CaseIterable {
    /// The portfolio's schedule.
    case schedule
    /// The drift monitor found an asset outside its band.
    case drift
    /// An owner asked through the API (`POST /api/v1/portfolios/{id}/rebalance`).
    case manual
    /// A program asked (a message on `ballast:rebalance.requests` with a `runId` of its own).
    case api
}
