import Foundation

/// An order as an exchange is asked to place it, already within its `VenueSymbolRules`.
public struct VenueOrderRequest: Sendable, Equatable {
    /// The id the exchange keeps with the order (Kraken's `cl_ord_id`, a UUID): the key that finds an order whose
    /// answer was lost.
    public var clientOrderID: String
    /// Ballast's name of the market (`BTC-USD`).
    public var symbol: String
    public var side: OrderSide
    public var type: OrderType
    public var quantity: Decimal
    /// For a limit order.
    public var limitPrice: Decimal?
    /// `ioc`: what does not fill at once is canceled by the exchange (a limit order; a market order always is). The others
    /// rest until filled or canceled.
    public var timeInForce: TimeInForce
    /// Checked by the exchange, not placed (Kraken's `validate`).
    public var validateOnly: Bool

    public init(
        clientOrderID: String, symbol: String, side: OrderSide, type: OrderType, quantity: Decimal, limitPrice: Decimal? = nil,
        timeInForce: TimeInForce = .gtc, validateOnly: Bool = false
    ) {
        self.clientOrderID = clientOrderID
        self.symbol = symbol
        self.side = side
        self.type = type
        self.quantity = quantity
        self.limitPrice = limitPrice
        self.timeInForce = timeInForce
        self.validateOnly = validateOnly
    }
}

/// What an exchange answered to a placed order.
public struct VenuePlacement: Sendable, Equatable {
    /// The exchange's id of the order; nil for a validated (dry-run) order.
    public var venueOrderID: String?
    /// The exchange's description of the order, as it read it.
    public var description: String

    public init(venueOrderID: String?, description: String) {
        self.venueOrderID = venueOrderID
        self.description = description
    }
}
