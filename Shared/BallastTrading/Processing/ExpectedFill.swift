import Foundation

/// The price a signal's order is expected to fill at, from the market's reference price.
struct ExpectedFill {
    /// The last trade, or the signal's own price on an account that trusts it.
    var reference: Decimal
    /// The reference moved against the trader by the account's slippage.
    var takerPrice: Decimal
    /// Whether the order fills at once: a market order, or a limit the market is already at or better.
    var marketable: Bool
    /// A limit order's price.
    var limit: Decimal?

    /// The taker price for an order that fills at once, else its limit.
    var price: Decimal { marketable ? takerPrice : (limit ?? takerPrice) }
}
