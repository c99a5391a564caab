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

public enum TradeSide: String, Sendable, Hashable, Codable {
    case buy
    case sell
}

/// Why a trade was refused.
public enum TradeError: Error, Sendable, Hashable, CustomStringConvertible {
    case emptySymbol
    case nonPositivePrice(FixedDecimal)
    case nonPositiveQuantity(FixedDecimal)
    case emptyId
    case idTooLong
    /// A character an id may not hold, and its position (from 1).
    case idCharacter(Unicode.Scalar, position: Int)
    case timeOutOfRange(Int64)

    public var description: String {
        switch self {
        case .emptySymbol: "the trade has an empty symbol"
        case .nonPositivePrice(let price): "the trade price must be positive, got \(price)"
        case .nonPositiveQuantity(let quantity): "the trade quantity must be positive, got \(quantity)"
        case .emptyId: "the trade id is empty"
        case .idTooLong: "the trade id is longer than \(TradeID.maximumLength) characters"
        case .idCharacter(let scalar, let position):
            "the trade id may hold only visible ASCII characters (! through ~), but character \(position) is \(Self.codePoint(scalar))"
        case .timeOutOfRange(let time): "the trade time \(time) ms is outside years 1 through 9999"
        }
    }

    /// `U+0020`: names the character without printing it (it may be a control character).
    private static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

/// The order of trades within a symbol: by time, then by trade id (`TradeID.<`: shorter ids first, then byte order). A
/// candle opens with its least trade and closes with its greatest, whatever order the trades arrived in.
public struct TradeStamp: Sendable, Hashable, Comparable, Codable {
    /// Epoch milliseconds.
    public let time: Int64
    public let id: TradeID

    public init(time: Int64, id: TradeID) {
        self.time = time
        self.id = id
    }

    /// Before every trade: the stamp of flat candles, and where a search for the latest trade starts.
    static let beforeAll = TradeStamp(time: .min, id: TradeID(0))

    @inline(__always)
    public static func < (lhs: TradeStamp, rhs: TradeStamp) -> Bool {
        lhs.time != rhs.time ? lhs.time < rhs.time : lhs.id < rhs.id
    }
}
