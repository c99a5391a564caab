import BallastMarket

/// A symbol's closed candles of one interval, oldest first, as the indicators take them (floating point: indicators
/// compare and scale, they are never booked).
public struct CandleSeries: Sendable, Equatable {
    public var highs: [Double] = []
    public var lows: [Double] = []
    public var closes: [Double] = []

    public init(highs: [Double] = [], lows: [Double] = [], closes: [Double] = []) {
        self.highs = highs
        self.lows = lows
        self.closes = closes
    }

    public var count: Int { closes.count }

    /// The last `count` candles: what a reader asked for, whatever longer series a batch read for another.
    public func suffix(_ count: Int) -> CandleSeries {
        CandleSeries(highs: Array(highs.suffix(count)), lows: Array(lows.suffix(count)), closes: Array(closes.suffix(count)))
    }
}

/// Which candles a decision reads: a symbol's series of one interval.
struct CandleSeriesKey: Hashable {
    var symbol: String
    var interval: CandleInterval
}
