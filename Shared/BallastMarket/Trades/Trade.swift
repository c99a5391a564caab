/// One executed trade of a symbol, as the venue reported it. Only valid trades exist: the initializer refuses the rest
/// with a reason, which the consumer dead-letters.
public struct Trade: Sendable, Hashable {
    /// Times the candle arithmetic handles: 0001-01-01T00:00:00Z through 9999-12-31T23:59:59.999Z, in epoch milliseconds.
    public static let supportedTimes: ClosedRange<Int64> = -62_135_596_800_000...253_402_300_799_999

    public let symbol: String
    public let price: FixedDecimal
    public let quantity: FixedDecimal
    /// The taker's side.
    public let side: TradeSide
    /// The venue's trade id, unique per symbol.
    public let id: TradeID
    /// Epoch milliseconds.
    public let time: Int64

    public init(symbol: String, price: FixedDecimal, quantity: FixedDecimal, side: TradeSide, id: TradeID, time: Int64) throws(TradeError) {
        guard !symbol.isEmpty else { throw .emptySymbol }
        guard price.isPositive else { throw .nonPositivePrice(price) }
        guard quantity.isPositive else { throw .nonPositiveQuantity(quantity) }
        guard Self.supportedTimes.contains(time) else { throw .timeOutOfRange(time) }
        self.symbol = symbol
        self.price = price
        self.quantity = quantity
        self.side = side
        self.id = id
        self.time = time
    }

    /// Where the trade sits in its symbol's history.
    public var stamp: TradeStamp { TradeStamp(time: time, id: id) }
}
