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
    /// The venue's trade id, unique and increasing per symbol.
    public let id: Int64
    /// Epoch milliseconds.
    public let time: Int64

    public init(symbol: String, price: FixedDecimal, quantity: FixedDecimal, side: TradeSide, id: Int64, time: Int64) throws(TradeError) {
        guard !symbol.isEmpty else { throw .emptySymbol }
        guard price.isPositive else { throw .nonPositivePrice(price) }
        guard quantity.isPositive else { throw .nonPositiveQuantity(quantity) }
        guard id >= 0 else { throw .negativeId(id) }
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

public enum TradeSide: String, Sendable, Hashable, Codable {
    case buy
    case sell
}

/// Why a trade was refused.
public enum TradeError: Error, Sendable, Hashable, CustomStringConvertible {
    case emptySymbol
    case nonPositivePrice(FixedDecimal)
    case nonPositiveQuantity(FixedDecimal)
    case negativeId(Int64)
    case timeOutOfRange(Int64)

    public var description: String {
        switch self {
        case .emptySymbol: "the trade has an empty symbol"
        case .nonPositivePrice(let price): "the trade price must be positive, got \(price)"
        case .nonPositiveQuantity(let quantity): "the trade quantity must be positive, got \(quantity)"
        case .negativeId(let id): "the trade id must not be negative, got \(id)"
        case .timeOutOfRange(let time): "the trade time \(time) ms is outside years 1 through 9999"
        }
    }
}

/// The order of trades within a symbol: by time, then by trade id. A candle opens with its least trade and closes with
/// its greatest, whatever order the trades arrived in.
public struct TradeStamp: Sendable, Hashable, Comparable, Codable {
    /// Epoch milliseconds.
    public let time: Int64
    public let id: Int64

    public init(time: Int64, id: Int64) {
        self.time = time
        self.id = id
    }

    public static func < (lhs: TradeStamp, rhs: TradeStamp) -> Bool {
        (lhs.time, lhs.id) < (rhs.time, rhs.id)
    }
}
