extension Indicators {
    /// Wilder's relative strength index of closes.
    ///
    /// Each close after the first is a change: a gain (the change, when positive, else 0) and a loss (minus the change,
    /// when negative, else 0). The average gain and loss are seeded with the simple average of the first n gains and
    /// losses, then smoothed with Wilder's method (Pine's `ta.rma`, alpha = 1/n): `average = (previous × (n−1) +
    /// current) / n`. RSI = 100 − 100 / (1 + average gain / average loss).
    ///
    /// The first RSI is at index n (it needs n+1 closes). When the average loss is 0 the RSI is 100, also when the
    /// average gain is 0 too (a flat market): TradingView's built-in RSI does exactly that
    /// (`down == 0 ? 100 : up == 0 ? 0 : …`), where the bare formula would divide zero by zero.
    public static func rsi(closes: [Double], period: Int) -> [Double?] {
        var result = [Double?](repeating: nil, count: closes.count)
        guard period >= 1, closes.count > period else { return result }
        let changes = zip(closes.dropFirst(), closes).map { $0 - $1 }
        let alpha = 1 / Double(period)
        let gains = smoothed(changes.map { max($0, 0) }, period: period, alpha: alpha)
        let losses = smoothed(changes.map { max(-$0, 0) }, period: period, alpha: alpha)
        // The change into close i is changes[i − 1].
        for index in period..<closes.count {
            guard let gain = gains[index - 1], let loss = losses[index - 1] else { continue }
            result[index] = strengthIndex(averageGain: gain, averageLoss: loss)
        }
        return result
    }

    /// The newest RSI value: nil with `period` closes or fewer.
    public static func lastRSI(closes: [Double], period: Int) -> Double? {
        rsi(closes: closes, period: period).last ?? nil
    }

    private static func strengthIndex(averageGain: Double, averageLoss: Double) -> Double {
        if averageLoss == 0 { return 100 }
        if averageGain == 0 { return 0 }
        return 100 - 100 / (1 + averageGain / averageLoss)
    }
}
