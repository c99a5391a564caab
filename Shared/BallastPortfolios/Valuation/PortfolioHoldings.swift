import BallastCore
import BallastMarket
import Foundation

/// What a portfolio's account holds, as the planner reads it, and what its orders cost.
public struct PortfolioHoldings: Sendable, Equatable {
    /// Available cash in the quote currency.
    public var cash: FixedDecimal
    /// Available quantity per asset (the quote currency excepted).
    public var quantities: [String: FixedDecimal]
    /// What a buy costs beyond its value at the reference price, as a fraction of that value: the taker fee on a
    /// price moved by slippage, so the planner keeps back enough for each buy.
    public var feeRate: FixedDecimal
    /// Assets (or the quote currency) whose amount is beyond what a plan can hold exactly: such holdings cannot be
    /// valued, and a plan made without them would be wrong.
    public var outOfRange: Set<String> = []

    public init(cash: FixedDecimal, quantities: [String: FixedDecimal], feeRate: FixedDecimal) {
        self.cash = cash
        self.quantities = quantities
        self.feeRate = feeRate
    }

    /// The basis points a buy costs beyond its reference value at a taker fee and slippage (in basis points): the
    /// price rises by the slippage and the fee is taken on that price, (1 + s)(1 + f) − 1, rounded up to four places
    /// so that the rate is exact at eight.
    public static func costBasisPoints(takerFee: Decimal, slippage: Decimal) -> Decimal {
        (takerFee + slippage + takerFee * slippage / 10_000).rounded(.up, places: 4)
    }

    /// `costBasisPoints` in SQL, of the paper account aliased `account`.
    static func costBasisPointsSQL(account: String) -> String {
        "ceil((\(account).taker_fee_bps + \(account).slippage_bps + \(account).taker_fee_bps * \(account).slippage_bps / 10000) * 10000) / 10000"
    }

    /// The holdings of an account with `balances` (asset to available amount), in `quoteCurrency`, whose buys cost
    /// `feeBps` (`costBasisPoints`) beyond their value.
    public init(balances: [String: Decimal], quoteCurrency: String, feeBps: Decimal) {
        self.init(
            available: balances.map { (name: Substring($0.key), value: Substring("\($0.value)")) }, quoteCurrency: quoteCurrency,
            feeBasisPoints: "\(feeBps)")
    }

    /// The holdings of an account whose available balances PostgreSQL gave as text (`available` pairs of asset and
    /// amount): read straight into fixed point, and only an amount finer than 8 decimals through `Decimal` (cut to
    /// 8). An amount beyond fixed point's range (about 9.2e10) is named in `outOfRange`, never read as another value.
    init(available: [(name: Substring, value: Substring)], quoteCurrency: String, feeBasisPoints: String) {
        var quantities: [String: FixedDecimal] = [:]
        var cash = FixedDecimal.zero
        var outOfRange: Set<String> = []
        for (asset, text) in available {
            guard let amount = FixedDecimal(text) ?? ExactDecimal.parse(String(text)).flatMap({ FixedDecimal(truncating: $0) }) else {
                outOfRange.insert(String(asset))
                continue
            }
            if asset == quoteCurrency {
                cash = amount.units > 0 ? amount : .zero
            } else if amount.units > 0 {
                quantities[String(asset)] = amount
            }
        }
        // Basis points to a fraction is a shift of four places: 15 bps (units 15e8) is 0.0015 (units 15e4).
        let basisPoints =
            FixedDecimal(feeBasisPoints) ?? ExactDecimal.parse(feeBasisPoints).flatMap { FixedDecimal(truncating: $0) } ?? .zero
        self.init(cash: cash, quantities: quantities, feeRate: FixedDecimal(units: basisPoints.units / 10_000))
        self.outOfRange = outOfRange
    }

    /// The planner's inputs for `portfolio` at `prices` (by asset).
    public func inputs(of portfolio: Portfolio, prices: [String: AssetPrice]) -> RebalanceInputs {
        RebalanceInputs(
            quoteCurrency: portfolio.quoteCurrency, cash: cash, holdings: quantities, targetWeights: portfolio.settings.targetWeights,
            prices: prices, settings: portfolio.settings.rebalanceSettings(feeRate: feeRate))
    }
}
