import BallastMarket
import Foundation

/// A portfolio as the API answers it and `portfolio.*` events carry it.
public struct PortfolioView: Encodable, Sendable {
    public var id: UUID
    public var accountID: UUID
    public var name: String
    public var quoteCurrency: String
    public var targetWeights: [String: FixedDecimal]
    public var method: RebalanceMethod
    public var interval: PortfolioSchedule.Interval
    public var cron: String
    public var timeZone: String
    public var driftThreshold: FixedDecimal
    public var thresholdRelative: Bool
    public var rebalanceTo: RebalanceTarget
    public var minimumTradeValue: FixedDecimal
    public var maxOrders: Int?
    public var dryRun: Bool
    public var paused: Bool
    public var overThreshold: Bool
    public var lastRebalancedAt: Date?
    public var nextRebalanceAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(_ portfolio: Portfolio) {
        let settings = portfolio.settings
        id = portfolio.id
        accountID = portfolio.accountID
        name = settings.name
        quoteCurrency = settings.quoteCurrency
        targetWeights = settings.targetWeights
        method = settings.method
        interval = settings.schedule.interval
        cron = settings.schedule.cron.description
        timeZone = settings.schedule.timeZoneName
        driftThreshold = settings.driftThreshold
        thresholdRelative = settings.thresholdIsRelative
        rebalanceTo = settings.rebalanceTo
        minimumTradeValue = settings.minimumTradeValue
        maxOrders = settings.maxOrders
        dryRun = settings.dryRun
        paused = portfolio.paused
        overThreshold = portfolio.overThreshold
        lastRebalancedAt = portfolio.lastRebalancedAt
        nextRebalanceAt = portfolio.nextRebalanceAt
        createdAt = portfolio.createdAt
        updatedAt = portfolio.updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case accountID = "accountId"
        case name, quoteCurrency, targetWeights, method, interval, cron, timeZone, driftThreshold, thresholdRelative, rebalanceTo
        case minimumTradeValue, maxOrders, dryRun, paused, overThreshold, lastRebalancedAt, nextRebalanceAt, createdAt, updatedAt
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(accountID, forKey: .accountID)
        try container.encode(name, forKey: .name)
        try container.encode(quoteCurrency, forKey: .quoteCurrency)
        try container.encode(targetWeights, forKey: .targetWeights)
        try container.encode(method, forKey: .method)
        try container.encode(interval, forKey: .interval)
        try container.encode(cron, forKey: .cron)
        try container.encode(timeZone, forKey: .timeZone)
        try container.encode(driftThreshold, forKey: .driftThreshold)
        try container.encode(thresholdRelative, forKey: .thresholdRelative)
        try container.encode(rebalanceTo, forKey: .rebalanceTo)
        try container.encode(minimumTradeValue, forKey: .minimumTradeValue)
        try container.encode(maxOrders, forKey: .maxOrders)
        try container.encode(dryRun, forKey: .dryRun)
        try container.encode(paused, forKey: .paused)
        try container.encode(overThreshold, forKey: .overThreshold)
        try container.encode(lastRebalancedAt, forKey: .lastRebalancedAt)
        try container.encode(nextRebalanceAt, forKey: .nextRebalanceAt)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}
