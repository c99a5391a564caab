import Foundation

extension Decimal {
    /// Places kept for prices, quantities, fees and cash unless a symbol says otherwise: the precision of the trades
    /// market-data stores.
    public static let defaultPlaces = 8

    /// This value rounded to `places` decimals (`.down` rounds toward zero for positive values).
    public func rounded(_ mode: NSDecimalNumber.RoundingMode = .plain, places: Int = Decimal.defaultPlaces) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, places, mode)
        return result
    }
}
