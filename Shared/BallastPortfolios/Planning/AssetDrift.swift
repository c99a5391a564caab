import BallastMarket
import Foundation

/// Where one asset stands against its target.
public struct AssetDrift: Sendable, Codable, Equatable {
    public var asset: String
    public var quantity: FixedDecimal
    public var value: WideDecimal
    /// Percent of the portfolio's value, to eight places (rounded toward zero).
    public var weight: FixedDecimal
    public var targetWeight: FixedDecimal
    /// `weight − targetWeight`, in percentage points.
    public var drift: FixedDecimal
    /// Whether the weight is outside its band (target ± threshold).
    public var isOverThreshold: Bool
}
