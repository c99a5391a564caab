extension Indicators {
    /// Exponential smoothing seeded with the simple average of the first `period` values:
    /// `s = alpha × value + (1 − alpha) × s[previous]` from then on, written as Pine writes it. The EMA uses
    /// alpha = 2/(n+1), Wilder's smoothing (Pine's `ta.rma`, in RSI and ATR) alpha = 1/n.
    static func smoothed(_ values: [Double], period: Int, alpha: Double) -> [Double?] {
        var result = [Double?](repeating: nil, count: values.count)
        guard period >= 1, values.count >= period else { return result }
        var average = values[..<period].reduce(0, +) / Double(period)
        result[period - 1] = average
        for index in period..<values.count {
            average = alpha * values[index] + (1 - alpha) * average
            result[index] = average
        }
        return result
    }
}
