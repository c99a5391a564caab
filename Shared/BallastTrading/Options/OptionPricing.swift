import BallastCore
import BallastMarket
import Foundation

/// European option premiums, Black-Scholes (no dividends) or Black-76 (docs/options.md has the formulas).
///
/// Both are Black's formula on the forward F with discount factor D = e^(−rT):
/// call = D (F N(d1) − K N(d2)), put = D (K N(−d2) − F N(−d1)), d1 = (ln(F/K) + σ²T/2) / (σ√T), d2 = d1 − σ√T.
/// Black-Scholes takes the spot S, whose forward is F = S e^(rT) (so D F = S); Black-76 takes F itself.
public enum OptionPricing {
    /// Years are 365-day years of seconds (ACT/365): crypto trades every day of the year.
    public static let secondsPerYear = 365 * 86_400.0

    /// The premium per unit of underlying, floating point: `years` is T, `rate` continuously compounded, `volatility`
    /// annualized; `underlying` is the spot for Black-Scholes and the forward for Black-76.
    ///
    /// At T ≤ 0 the premium is the intrinsic value; at σ = 0 (and T > 0) it is the discounted intrinsic value of the
    /// forward: `D max(F − K, 0)` for a call, which for Black-Scholes is `max(S − K e^(−rT), 0)`. NaN for inputs that
    /// have no price: a price or strike that is not positive, a negative volatility, or any input that is NaN or
    /// infinite (T = +∞ included).
    public static func price(
        kind: OptionKind, model: OptionModel, underlying: Double, strike: Double, years: Double, volatility: Double, rate: Double
    ) -> Double {
        guard underlying > 0, underlying.isFinite, strike > 0, strike.isFinite, years.isFinite, volatility >= 0,
            volatility.isFinite, rate.isFinite
        else { return .nan }
        let years = max(years, 0)
        let discount = exp(-rate * years)
        let forward = model == .blackScholes ? underlying / discount : underlying
        let deviation = volatility * years.squareRoot()
        guard deviation > 0 else {
            // Nothing is uncertain any more: the underlying ends at the forward.
            return discount * max(kind == .call ? forward - strike : strike - forward, 0)
        }
        let d1 = (log(forward / strike) + deviation * deviation / 2) / deviation
        let d2 = d1 - deviation
        // Each premium is written out rather than derived through put-call parity, which would lose the small one
        // of the pair to cancellation; the max removes rounding below zero.
        switch kind {
        case .call: return max(discount * (forward * normalCDF(d1) - strike * normalCDF(d2)), 0)
        case .put: return max(discount * (strike * normalCDF(-d2) - forward * normalCDF(-d1)), 0)
        }
    }

    /// The premium as an exact Decimal per unit of underlying, rounded to the nearest multiple of `tick`, halves to
    /// the even multiple, never below zero.
    ///
    /// Half-even because the premium is a fair value with no side yet: rounding against the buyer or the seller would
    /// give two prices, and rounding halves up would lean one way. A far out-of-the-money premium below half a tick is
    /// 0. T is the time from `now` to the contract's expiry in 365-day years; at or after expiry the premium is the
    /// exact intrinsic value at `underlyingPrice`, rounded to the tick. For Black-76, `underlyingPrice` is the forward
    /// or futures price.
    ///
    /// `Decimal.nan` for inputs with no price (see `price`) and for a tick that is not positive: a NaN never compares
    /// as enough cash, so it cannot pass for a price.
    public static func premium(
        _ contract: OptionContract, underlyingPrice: Decimal, volatility: Decimal, rate: Decimal, model: OptionModel, at now: Date,
        tick: Decimal
    ) -> Decimal {
        let years = contract.expiry.timeIntervalSince(now) / secondsPerYear
        let value = price(
            kind: contract.kind, model: model, underlying: double(underlyingPrice), strike: double(contract.strike), years: years,
            volatility: double(volatility), rate: double(rate))
        guard !tick.isNaN, tick > 0, value.isFinite else { return .nan }
        guard years > 0 else { return rounded(contract.intrinsicValue(at: underlyingPrice), toTick: tick) }
        // The shortest decimal that reads back as `value` (Swift prints exactly that), so the same double always gives
        // the same Decimal; one too small for Decimal's exponent is far below any tick.
        guard let exact = ExactDecimal.parse("\(value)") else { return value < 1 ? 0 : .nan }
        return rounded(exact, toTick: tick)
    }

    /// The annualized realized volatility of hourly `closes` (`RealizedVolatility`), as the exact decimal the settings and
    /// signals carry, to 8 places; nil when there are too few closes or they do not move.
    public static func hourlyRealizedVolatility(closes: [Double]) -> Decimal? {
        guard let estimate = RealizedVolatility.annualized(closes: closes, periodsPerYear: 24 * 365), estimate > 0,
            let exact = ExactDecimal.parse("\(estimate)")
        else { return nil }
        let rounded = exact.rounded(.plain, places: 8)
        return rounded > 0 ? rounded : nil
    }

    /// The standard normal distribution function, through the complementary error function: accurate to about 1e-15
    /// in the tails too, where `1 − N(x)` would be all rounding.
    static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    private static func double(_ value: Decimal) -> Double {
        value.isNaN ? .nan : NSDecimalNumber(decimal: value).doubleValue
    }

    private static func rounded(_ value: Decimal, toTick tick: Decimal) -> Decimal {
        max((value / tick).rounded(.bankers, places: 0) * tick, 0)
    }
}
