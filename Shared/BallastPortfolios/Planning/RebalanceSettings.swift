import Foundation

/// The settings a plan follows, kept with each run's inputs.
public struct RebalanceSettings: Sendable, Codable, Equatable {
    /// How far an asset's weight may move from its target before the portfolio counts as drifted, in percentage
    /// points (`5` means a 20 % target may lie between 15 and 25 %), or, when `thresholdIsRelative`, in percent of
    /// the target weight (`25` means 15 to 25 for a 20 % target).
    public var driftThreshold: Decimal
    public var thresholdIsRelative: Bool
    public var rebalanceTo: RebalanceTarget
    /// No order for a smaller difference, in the quote currency (the seeds' "€10 minimum").
    public var minimumTradeValue: Decimal
    /// At most this many orders per run, largest differences first; nil for no limit.
    public var maxOrders: Int?
    /// The fee of an order as a fraction of its value (10 bps = 0.001).
    public var feeRate: Decimal
    /// Decimals of an asset's quantity (its lot step); assets not listed use `Decimal.defaultPlaces`.
    public var quantityDecimals: [String: Int]

    public init(
        driftThreshold: Decimal, thresholdIsRelative: Bool = false, rebalanceTo: RebalanceTarget = .target,
        minimumTradeValue: Decimal = 10, maxOrders: Int? = nil, feeRate: Decimal = 0, quantityDecimals: [String: Int] = [:]
    ) {
        self.driftThreshold = driftThreshold
        self.thresholdIsRelative = thresholdIsRelative
        self.rebalanceTo = rebalanceTo
        self.minimumTradeValue = minimumTradeValue
        self.maxOrders = maxOrders
        self.feeRate = feeRate
        self.quantityDecimals = quantityDecimals
    }

    /// The band an asset with `targetWeight` may stay in, in percent of the portfolio.
    func band(around targetWeight: Decimal) -> ClosedRange<Decimal> {
        let width = thresholdIsRelative ? targetWeight * driftThreshold / 100 : driftThreshold
        return max(0, targetWeight - width)...min(100, targetWeight + width)
    }
}
