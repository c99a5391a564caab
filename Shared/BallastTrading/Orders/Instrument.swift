import BallastMarket

/// A symbol's base and quote assets, as `AssetPair.splits` reads them: `BTC-USD`, `BTC/USD` and `BTC_USD` are BTC
/// quoted in USD; `BTCUSDT` is read by its known quote suffix (the longest that fits).
public struct Instrument: Sendable, Equatable {
    public var base: String
    public var quote: String

    public init(base: String, quote: String) {
        self.base = base
        self.quote = quote
    }

    public init?(symbol: String) {
        guard let pair = AssetPair.splits(of: symbol).first else { return nil }
        base = pair.base
        quote = pair.quote
    }
}
