/// Which candle: a symbol's bucket of an interval.
public struct CandleKey: Sendable, Hashable {
    public let symbol: String
    public let interval: CandleInterval
    public let openTime: Int64

    public init(symbol: String, interval: CandleInterval, openTime: Int64) {
        self.symbol = symbol
        self.interval = interval
        self.openTime = openTime
    }
}
