import Foundation

extension Decimal {
    /// Places kept for prices, quantities, fees and cash: the precision of the trades market-data stores.
    static let places = Decimal.defaultPlaces

    /// Basis points as a fraction: 10 bps → 0.001.
    static func basisPoints(_ bps: Decimal) -> Decimal { bps / 10_000 }

    /// The exact text, in plain notation ("0.00000001", never "1e-8"), as the events and the API carry amounts.
    var plainText: String { "\(self)" }
}
