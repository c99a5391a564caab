import Foundation

/// A portfolio valued at given prices: its value, each asset's weight and drift, and whether it needs a rebalance.
public struct DriftReport: Sendable, Codable, Equatable {
    public var portfolioValue: Decimal
    public var cash: Decimal
    /// Cash as percent of the portfolio's value.
    public var cashWeight: Decimal
    public var assets: [AssetDrift]

    /// The largest drift of any asset, in percentage points (absolute).
    public var maxDrift: Decimal { assets.map { abs($0.drift) }.max() ?? 0 }
    public var isOverThreshold: Bool { assets.contains(where: \.isOverThreshold) }
}
