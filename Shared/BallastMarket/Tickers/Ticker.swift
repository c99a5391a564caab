/// A symbol's rolling 24 h statistics, with Binance's field names. As JSON, decimals are strings with every digit
/// (trailing zeros trimmed), times are epoch milliseconds, the count is an integer, and the trade ids are numbers when
/// they are digit-only without leading zeros and fit an `Int64` (as Binance's), strings otherwise (`TradeID`).
public struct Ticker: Sendable, Equatable, Codable {
    public let symbol: String
    /// `lastPrice − openPrice`.
    public let priceChange: FixedDecimal
    /// `priceChange × 100 ÷ openPrice`, rounded to 8 decimal places half away from zero.
    public let priceChangePercent: WideDecimal
    /// `quoteVolume ÷ volume`, rounded to 8 decimal places half away from zero.
    public let weightedAvgPrice: FixedDecimal
    /// The last price before the window, or `openPrice` when no earlier trade is known.
    public let prevClosePrice: FixedDecimal
    public let lastPrice: FixedDecimal
    public let lastQty: FixedDecimal
    public let openPrice: FixedDecimal
    public let highPrice: FixedDecimal
    public let lowPrice: FixedDecimal
    public let volume: WideDecimal
    public let quoteVolume: WideDecimal
    /// The window's start: the first whole minute within the last 24 h.
    public let openTime: Int64
    /// The time the ticker was computed for.
    public let closeTime: Int64
    public let firstID: TradeID
    public let lastID: TradeID
    public let count: Int

    public init(
        symbol: String, priceChange: FixedDecimal, priceChangePercent: WideDecimal, weightedAvgPrice: FixedDecimal,
        prevClosePrice: FixedDecimal, lastPrice: FixedDecimal, lastQty: FixedDecimal, openPrice: FixedDecimal,
        highPrice: FixedDecimal, lowPrice: FixedDecimal, volume: WideDecimal, quoteVolume: WideDecimal, openTime: Int64,
        closeTime: Int64, firstID: TradeID, lastID: TradeID, count: Int
    ) {
        self.symbol = symbol
        self.priceChange = priceChange
        self.priceChangePercent = priceChangePercent
        self.weightedAvgPrice = weightedAvgPrice
        self.prevClosePrice = prevClosePrice
        self.lastPrice = lastPrice
        self.lastQty = lastQty
        self.openPrice = openPrice
        self.highPrice = highPrice
        self.lowPrice = lowPrice
        self.volume = volume
        self.quoteVolume = quoteVolume
        self.openTime = openTime
        self.closeTime = closeTime
        self.firstID = firstID
        self.lastID = lastID
        self.count = count
    }

    enum CodingKeys: String, CodingKey {
        case symbol
        case priceChange
        case priceChangePercent
        case weightedAvgPrice
        case prevClosePrice
        case lastPrice
        case lastQty
        case openPrice
        case highPrice
        case lowPrice
        case volume
        case quoteVolume
        case openTime
        case closeTime
        case firstID = "firstId"
        case lastID = "lastId"
        case count
    }
}
