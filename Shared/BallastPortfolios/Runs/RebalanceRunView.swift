import BallastTrading
import Foundation

/// A run as the API answers it and `rebalance.*` events carry it. Events leave out the inputs and plan
/// (`detailed: false`); the API's run view has them.
public struct RebalanceRunView: Encodable, Sendable {
    public var run: RebalanceRun
    public var detailed: Bool

    public init(_ run: RebalanceRun, detailed: Bool = true) {
        self.run = run
        self.detailed = detailed
    }

    enum CodingKeys: String, CodingKey {
        case id
        case portfolioID = "portfolioId"
        case triggeredBy, dryRun, status, requestedAt, startedAt, executedAt, finishedAt, durationMs, attempts, portfolioValueBefore
        case portfolioValueAfter, ordersPlanned, ordersExecuted, ordersFailed, totalValueTraded, orders, errors, inputs, plan
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(run.id, forKey: .id)
        try container.encode(run.portfolioID, forKey: .portfolioID)
        try container.encode(run.triggeredBy, forKey: .triggeredBy)
        try container.encode(run.dryRun, forKey: .dryRun)
        try container.encode(run.status, forKey: .status)
        try container.encode(run.requestedAt, forKey: .requestedAt)
        try container.encode(run.startedAt, forKey: .startedAt)
        try container.encode(run.startedAt, forKey: .executedAt)
        try container.encode(run.finishedAt, forKey: .finishedAt)
        try container.encode(run.durationMilliseconds, forKey: .durationMs)
        try container.encode(run.attempts, forKey: .attempts)
        try container.encode(run.valueBefore.map { "\($0)" }, forKey: .portfolioValueBefore)
        try container.encode(run.valueAfter.map { "\($0)" }, forKey: .portfolioValueAfter)
        try container.encode(run.ordersPlanned, forKey: .ordersPlanned)
        try container.encode(run.ordersExecuted, forKey: .ordersExecuted)
        try container.encode(run.ordersFailed, forKey: .ordersFailed)
        try container.encode("\(run.totalValueTraded)", forKey: .totalValueTraded)
        try container.encode(run.orders, forKey: .orders)
        try container.encode(run.errors, forKey: .errors)
        if detailed {
            try container.encode(run.inputs, forKey: .inputs)
            try container.encode(run.plan, forKey: .plan)
        }
    }
}
