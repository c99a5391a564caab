import Foundation

/// Where one asset stands against its target.
public struct AssetDrift: Sendable, Codable, Equatable {
    public var asset: String
    public var quantity: Decimal
    public var value: Decimal
    /// Percent of the portfolio's value.
    public var weight: Decimal
    public var targetWeight: Decimal
    /// `weight − targetWeight`, in percentage points.
    public var drift: Decimal
    /// Whether the weight is outside its band (target ± threshold).
    public var isOverThreshold: Bool
}
