import Foundation

/// Prices and fees of paper fills: slippage moves a taker's price against it, fees are a share of the
/// notional. Everything is rounded to 8 decimals: prices and fees against the trader (a buy pays up, a sell
/// receives less), so paper results are never better than a venue's.
public struct ExecutionPricing: Sendable, Equatable {
    public var takerFeeBps: Decimal
    public var makerFeeBps: Decimal
    public var slippageBps: Decimal

    public init(takerFeeBps: Decimal, makerFeeBps: Decimal, slippageBps: Decimal) {
        self.takerFeeBps = takerFeeBps
        self.makerFeeBps = makerFeeBps
        self.slippageBps = slippageBps
    }

    /// The price a taker gets when the market is at `reference`.
    public func takerPrice(_ side: OrderSide, reference: Decimal) -> Decimal {
        let slip = reference * .basisPoints(slippageBps)
        switch side {
        case .buy: return (reference + slip).rounded(.up)
        case .sell: return (reference - slip).rounded(.down)
        }
    }

    /// The fee, in the quote currency, of a fill of `quantity` at `price`.
    public func fee(quantity: Decimal, price: Decimal, liquidity: Liquidity) -> Decimal {
        let bps = liquidity == .taker ? takerFeeBps : makerFeeBps
        return (quantity * price * .basisPoints(bps)).rounded(.up)
    }

    /// What a buy of `quantity` at up to `price` must hold back: the notional and the largest fee it can pay.
    public func buyReservation(quantity: Decimal, price: Decimal) -> Decimal {
        (quantity * price).rounded(.up) + fee(quantity: quantity, price: price, liquidity: .taker)
    }
}
