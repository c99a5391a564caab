/// Which way a position faces: long (bought) or short (sold).
public enum PositionSide: String, Sendable, Codable {
    case long, short

    init(opening side: OrderSide) { self = side == .buy ? .long : .short }

    /// The order side that makes this position smaller.
    var closingSide: OrderSide { self == .long ? .sell : .buy }
}
