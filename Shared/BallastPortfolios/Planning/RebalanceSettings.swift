import BallastMarket
import Foundation

/// The settings a plan follows, kept with each run's inputs.
public struct RebalanceSettings: Sendable, Codable, Equatable {
    /// How far an asset's weight may move from its target before the portfolio counts as drifted, in percentage
    /// points (`5` means a 20 % target may lie between 15 and 25 %), or, when `thresholdIsRelative`, in percent of
    /// the target weight (`25` means 15 to 25 for a 20 % target).
    public var driftThreshold: FixedDecimal
    public var thresholdIsRelative: Bool
    public var rebalanceTo: RebalanceTarget
    /// No order for a smaller difference, in the quote currency (the seeds' "€10 minimum").
    public var minimumTradeValue: FixedDecimal
    /// At most this many orders per run, largest differences first; nil for no limit.
    public var maxOrders: Int?
    /// The fee of an order as a fraction of its value (10 bps = 0.001).
    public var feeRate: FixedDecimal
    /// Decimals of an asset's quantity (its lot step, 0 to 8); assets not listed use 8.
    public var quantityDecimals: [String: Int]

    public init(
        driftThreshold: FixedDecimal, thresholdIsRelative: Bool = false, rebalanceTo: RebalanceTarget = .target,
        minimumTradeValue: FixedDecimal = FixedDecimal(units: 10 * FixedDecimal.unitsPerWhole), maxOrders: Int? = nil,
        feeRate: FixedDecimal = .zero, quantityDecimals: [String: Int] = [:]
    ) {
        self.driftThreshold = driftThreshold
        self.thresholdIsRelative = thresholdIsRelative
        self.rebalanceTo = rebalanceTo
        self.minimumTradeValue = minimumTradeValue
        self.maxOrders = maxOrders
        self.feeRate = feeRate
        self.quantityDecimals = quantityDecimals
    }

    /// The band an asset with `targetWeight` may stay in, in 1e-8 units of a percent of the portfolio.
    func band(around targetWeight: FixedDecimal) -> ClosedRange<Int128> {
        let target = Int128(targetWeight.units)
        let threshold = Int128(driftThreshold.units)
        let width = thresholdIsRelative ? target * threshold / (100 * PlannerMath.scale) : threshold
        let lower = max(0, target - width)
        return lower...max(lower, min(100 * PlannerMath.scale, target + width))
    }
}
