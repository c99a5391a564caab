import BallastCore
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

    /// A fee or slippage setting as an operator types it (`ballast account create --taker-fee-bps 7.5`): plain
    /// decimal digits from 0 to 1000, read exactly; nil for anything else (signs, exponents, `NaN`, other scripts'
    /// digits).
    public static func basisPoints(_ text: String) -> Decimal? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) || $0 == UInt8(ascii: ".") }),
            let value = ExactDecimal.parse(text), value >= 0, value <= 1_000
        else { return nil }
        return value
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
