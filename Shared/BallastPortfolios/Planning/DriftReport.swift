import BallastMarket
import Foundation

/// A portfolio valued at given prices: its value, each asset's weight and drift, and whether it needs a rebalance.
public struct DriftReport: Sendable, Codable, Equatable {
    public var portfolioValue: WideDecimal
    public var cash: FixedDecimal
    /// Cash as percent of the portfolio's value.
    public var cashWeight: FixedDecimal
    public var assets: [AssetDrift]

    /// The largest drift of any asset, in percentage points (absolute).
    public var maxDrift: FixedDecimal { FixedDecimal(units: assets.map { abs($0.drift.units) }.max() ?? 0) }
    public var isOverThreshold: Bool { assets.contains(where: \.isOverThreshold) }
}
