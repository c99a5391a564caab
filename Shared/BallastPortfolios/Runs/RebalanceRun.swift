import BallastTrading
import Foundation

/// One rebalance of a portfolio: what started it, what it planned from (`inputs`), the plan, what each order did,
/// and the portfolio's value before and after.
public struct RebalanceRun: Sendable, Equatable {
    public var id: UUID
    public var portfolioID: UUID
    public var userID: UUID
    public var triggeredBy: RebalanceTrigger
    public var dryRun: Bool
    public var status: RebalanceRunStatus
    public var requestedAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// How many times a rebalancer started it (more than once when one stopped mid-run).
    public var attempts: Int
    public var inputs: RebalanceInputs?
    public var plan: RebalancePlan?
    public var orders: [MarketOrderResult]
    public var errors: [String]
    public var valueBefore: Decimal?
    public var valueAfter: Decimal?
    public var ordersPlanned: Int
    public var ordersExecuted: Int
    public var ordersFailed: Int
    public var totalValueTraded: Decimal

    /// From start to finish, in milliseconds; nil until it finished.
    public var durationMilliseconds: Int64? {
        guard let startedAt, let finishedAt else { return nil }
        return Int64(((finishedAt.timeIntervalSince1970 - startedAt.timeIntervalSince1970) * 1_000).rounded())
    }

    /// This run ended as failed at `time`, `reason` added to its errors.
    public func failed(_ reason: String, at time: Date) -> RebalanceRun {
        var failed = self
        failed.status = .failed
        failed.finishedAt = time
        failed.errors.append(reason)
        return failed
    }
}
