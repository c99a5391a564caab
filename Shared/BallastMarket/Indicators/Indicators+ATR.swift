extension Indicators {
    /// Wilder's average true range.
    ///
    /// The true range of a candle is the largest of high − low, |high − previous close| and |low − previous close|;
    /// the first candle has no previous close, so its true range is high − low. The ATR is seeded with the simple
    /// average of the first n true ranges (its first value, at index n−1), then smoothed with Wilder's method
    /// (Pine's `ta.rma`, alpha = 1/n): `ATR = (previous ATR × (n−1) + true range) / n`.
    ///
    /// The three arrays are one candle per index. Arrays of different lengths line up with no candle, so the
    /// result is empty.
    public static func atr(highs: [Double], lows: [Double], closes: [Double], period: Int) -> [Double?] {
        guard highs.count == closes.count, lows.count == closes.count else { return [] }
        let trueRanges = closes.indices.map { index in
            let range = highs[index] - lows[index]
            guard index > 0 else { return range }
            let previousClose = closes[index - 1]
            return max(range, abs(highs[index] - previousClose), abs(lows[index] - previousClose))
        }
        return smoothed(trueRanges, period: period, alpha: 1 / Double(period))
    }

    /// The newest ATR value: nil with fewer than `period` candles or arrays of different lengths.
    public static func lastATR(highs: [Double], lows: [Double], closes: [Double], period: Int) -> Double? {
        atr(highs: highs, lows: lows, closes: closes, period: period).last ?? nil
    }
}
