import BallastMarket
import Foundation

/// One order of a plan, priced at the price the plan was made from.
public struct PlannedOrder: Sendable, Codable, Equatable {
    public enum Side: String, Sendable, Codable {
        case buy
        case sell
    }

    public var asset: String
    public var side: Side
    public var quantity: FixedDecimal
    public var price: FixedDecimal
    /// `quantity × price`, exactly.
    public var value: WideDecimal
    /// The fee at the settings' rate, rounded up to eight places.
    public var fee: FixedDecimal
}
