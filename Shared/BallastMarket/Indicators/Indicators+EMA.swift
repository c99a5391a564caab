extension Indicators {
    /// The exponential moving average: alpha = 2/(n+1), seeded with the simple average of the first n values, which
    /// is its first value (at index n−1); then `EMA = alpha × value + (1 − alpha) × EMA[previous]`. This is
    /// StockCharts' definition. Pine's reference writes `ta.ema` seeded with the first value instead; the two agree
    /// to within (1 − alpha)^k of the seed's difference k values later (docs/indicators.md).
    public static func ema(_ values: [Double], period: Int) -> [Double?] {
        smoothed(values, period: period, alpha: 2 / (Double(period) + 1))
    }

    /// The newest EMA value: nil with fewer than `period` values.
    public static func lastEMA(_ values: [Double], period: Int) -> Double? {
        ema(values, period: period).last ?? nil
    }
}
