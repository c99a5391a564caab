import Foundation

/// Realized (historical) volatility from closes, as Hull estimates it for option pricing: the sample standard
/// deviation (divided by m − 1) of the m log returns `ln(close[i] / close[i−1])`, times the square root of the number
/// of periods in a year.
///
/// The window is the closes passed in: n closes give n − 1 returns, every one weighted equally. `periodsPerYear`
/// matches the candles: crypto trades every day, so 365 for daily closes, 8,760 for hourly ones, 52 for weekly.
public enum RealizedVolatility {
    /// nil with fewer than 3 closes or a non-positive close.
    ///
    /// Also nil for a non-finite close and for a `periodsPerYear` that is not positive and finite. 3 closes are the
    /// least that give 2 returns, the fewest a sample deviation is defined for.
    public static func annualized(closes: [Double], periodsPerYear: Double) -> Double? {
        guard closes.count >= 3, periodsPerYear > 0, periodsPerYear.isFinite,
            closes.allSatisfy({ $0 > 0 && $0.isFinite })
        else { return nil }
        let returns = zip(closes.dropFirst(), closes).map { log($0 / $1) }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let squares = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / Double(returns.count - 1) * periodsPerYear).squareRoot()
    }
}
