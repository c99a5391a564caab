/// The events portfolios and their rebalances publish on `ballast:events` (through the outbox, in the transaction
/// of the change they announce).
public enum PortfolioEvent {
    public static let created = "portfolio.created"
    public static let updated = "portfolio.updated"
    public static let deleted = "portfolio.deleted"
    public static let paused = "portfolio.paused"
    public static let resumed = "portfolio.resumed"
    /// Once per crossing: when a monitored portfolio's drift goes over its threshold, not on every scan while it stays.
    public static let driftThresholdExceeded = "drift.threshold_exceeded"
    public static let rebalanceStarted = "rebalance.started"
    public static let rebalanceCompleted = "rebalance.completed"
    public static let rebalanceFailed = "rebalance.failed"
}
