/// The words of an order, as stored and as the API spells them.
public enum OrderSide: String, Sendable, Codable, CaseIterable {
    case buy, sell

    /// +1 for a buy, -1 for a sell: the sign of the fill's effect on a position's signed quantity.
    var sign: Int { self == .buy ? 1 : -1 }
}

public enum OrderType: String, Sendable, Codable, CaseIterable {
    case market, limit
}

public enum TimeInForce: String, Sendable, Codable, CaseIterable {
    /// Good till canceled.
    case gtc
    /// Immediate or cancel: what cannot fill at once is canceled.
    case ioc
    /// Until the end of the UTC day (or of the market's session, when it has one).
    case day
    /// Good till `expiresAt`.
    case gtd
}

public enum OrderStatus: String, Sendable, Codable, CaseIterable {
    case new
    case partiallyFilled = "partially_filled"
    case filled, canceled, expired, rejected

    /// Open orders can still fill and hold a lock.
    public var isOpen: Bool { self == .new || self == .partiallyFilled }
}

public enum Liquidity: String, Sendable, Codable {
    /// Took a price from the market at once (market orders, marketable limits, exits).
    case taker
    /// Rested on the book and was filled by a later market trade.
    case maker
}
