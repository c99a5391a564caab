/// A candle as `candles` holds it after a commit, decimals as the text `trim_scale(x)::text` gives, the same text
/// `GET /api/v1/klines` answers: what a `kline_<interval>` frame carries, so the last frame of a candle equals its row
/// in the klines API.
public struct LiveCandle: Sendable, Equatable {
    public var symbol: String
    public var interval: CandleInterval
    public var openTime: Int64
    public var closeTime: Int64
    public var open: String
    public var high: String
    public var low: String
    public var close: String
    public var volume: String
    public var quoteVolume: String
    public var tradeCount: Int64
    /// The ids of the first and last trade by (time, id) as stored; nil for a flat candle (no trades).
    public var firstTradeID: String?
    public var lastTradeID: String?

    public init(
        symbol: String, interval: CandleInterval, openTime: Int64, closeTime: Int64, open: String, high: String, low: String,
        close: String, volume: String, quoteVolume: String, tradeCount: Int64, firstTradeID: String?, lastTradeID: String?
    ) {
        self.symbol = symbol
        self.interval = interval
        self.openTime = openTime
        self.closeTime = closeTime
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.quoteVolume = quoteVolume
        self.tradeCount = tradeCount
        self.firstTradeID = firstTradeID
        self.lastTradeID = lastTradeID
    }

    public var isFlat: Bool { tradeCount == 0 }
}
