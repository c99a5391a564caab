import Foundation

/// One order of a plan, priced at the price the plan was made from.
public struct PlannedOrder: Sendable, Codable, Equatable {
    public enum Side: String, Sendable, Codable {
        case buy
        case sell
    }

    public var asset: String
    public var side: Side
    public var quantity: Decimal
    public var price: Decimal
    /// `quantity × price`.
    public var value: Decimal
    public var fee: Decimal
}
