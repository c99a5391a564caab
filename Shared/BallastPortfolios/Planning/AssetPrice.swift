import BallastMarket
import Foundation

/// An asset's price in the portfolio's quote currency, and when it was that price (kept in a run's inputs).
public struct AssetPrice: Sendable, Codable, Equatable {
    public var price: FixedDecimal
    public var at: Date

    public init(price: FixedDecimal, at: Date) {
        self.price = price
        self.at = at
    }
}
