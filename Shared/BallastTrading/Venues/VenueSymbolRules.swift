import Foundation

/// An exchange's rules for one market: how precise prices and quantities may be, and the smallest order.
public struct VenueSymbolRules: Sendable, Equatable {
    /// Ballast's name of the market (`BTC-USD`).
    public var symbol: String
    /// The exchange's name of it (Kraken's pair name, `XXBTZUSD`).
    public var venueSymbol: String
    public var priceDecimals: Int
    public var quantityDecimals: Int
    /// The smallest quantity of the base asset an order may have (Kraken's `ordermin`).
    public var minimumQuantity: Decimal
    /// The smallest value in the quote asset an order may have (Kraken's `costmin`); nil when the exchange sets none.
    public var minimumCost: Decimal?

    public init(
        symbol: String, venueSymbol: String, priceDecimals: Int, quantityDecimals: Int, minimumQuantity: Decimal, minimumCost: Decimal?
    ) {
        self.symbol = symbol
        self.venueSymbol = venueSymbol
        self.priceDecimals = priceDecimals
        self.quantityDecimals = quantityDecimals
        self.minimumQuantity = minimumQuantity
        self.minimumCost = minimumCost
    }
}
