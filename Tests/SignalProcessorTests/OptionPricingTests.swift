import Foundation
import PropertyBased
import Testing

@testable import BallastTrading

/// Premiums against published worked examples (each compared to half a unit of its last published place), then the
/// relations every European premium obeys, over generated inputs.
@Suite("Option pricing")
struct OptionPricingTests {
    static func matches(_ computed: Double, _ published: Double, places: Int) -> Bool {
        abs(computed - published) <= 0.5 / pow(10, Double(places)) + 1e-12
    }

    static func price(
        _ kind: OptionKind, _ model: OptionModel, underlying: Double, strike: Double, years: Double, volatility: Double, rate: Double
    ) -> Double {
        OptionPricing.price(
            kind: kind, model: model, underlying: underlying, strike: strike, years: years, volatility: volatility, rate: rate)
    }

    // MARK: Published examples

    /// Hull, Options, Futures, and Other Derivatives, the worked example of the Black-Scholes-Merton formulas:
    /// d1 = 0.7693, d2 = 0.6278, c = 4.76, p = 0.81.
    @Test("Black-Scholes reproduces Hull's example: S 42, K 40, r 10%, σ 20%, T 0.5 → call 4.76, put 0.81")
    func hullBlackScholes() {
        let call = Self.price(.call, .blackScholes, underlying: 42, strike: 40, years: 0.5, volatility: 0.2, rate: 0.1)
        let put = Self.price(.put, .blackScholes, underlying: 42, strike: 40, years: 0.5, volatility: 0.2, rate: 0.1)
        #expect(Self.matches(call, 4.76, places: 2))
        #expect(Self.matches(put, 0.81, places: 2))
    }

    /// MathWorks' `blsprice` reference example (which cites Hull): `blsprice(100, 95, 0.1, 0.25, 0.5)` → 13.6953 and
    /// 6.3497.
    @Test("Black-Scholes reproduces MATLAB's blsprice example: S 100, K 95, r 10%, T 0.25, σ 50% → 13.6953, 6.3497")
    func matlabBlackScholes() {
        let call = Self.price(.call, .blackScholes, underlying: 100, strike: 95, years: 0.25, volatility: 0.5, rate: 0.1)
        let put = Self.price(.put, .blackScholes, underlying: 100, strike: 95, years: 0.25, volatility: 0.5, rate: 0.1)
        #expect(Self.matches(call, 13.6953, places: 4))
        #expect(Self.matches(put, 6.3497, places: 4))
    }

    /// Hull's futures option example (5th edition, pp. 287–288), as MathWorks' `blkprice` documentation works it:
    /// `blkprice(20, 20, 0.09, 4/12, 0.25)` → call 1.1166 and put 1.1166 (equal at the money, by parity).
    @Test("Black-76 reproduces Hull's futures option example: F 20, K 20, r 9%, T 4 months, σ 25% → 1.1166 both")
    func hullBlack76() {
        for kind in OptionKind.allCases {
            let premium = Self.price(kind, .black76, underlying: 20, strike: 20, years: 4.0 / 12, volatility: 0.25, rate: 0.09)
            #expect(Self.matches(premium, 1.1166, places: 4))
        }
    }

    /// SAS's BLACKPTPRC(E, t, F, r, sigma) reference examples, printed to 14 decimals: they check the normal
    /// distribution far beyond the textbooks' 2 or 4 places.
    @Test(
        "Black-76 puts reproduce SAS's BLACKPTPRC examples to 14 decimals",
        arguments: [
            (298.0, 0.25, 350.0, 0.06, 0.25, 1.85980563934967),
            (145, 0.5, 170, 0.05, 0.2, 1.41234979911583),
        ]
    )
    func sasBlack76(strike: Double, years: Double, forward: Double, rate: Double, volatility: Double, published: Double) {
        let put = Self.price(.put, .black76, underlying: forward, strike: strike, years: years, volatility: volatility, rate: rate)
        #expect(abs(put - published) < 1e-13)
    }

    /// Φ(1.96) = 0.975002104851780 and Φ(−10) = 7.61985302416053e−24 (standard normal tables): the tail is where
    /// `1 − Φ(x)` would be nothing but rounding.
    @Test("the normal distribution is accurate in the body and far into the tail")
    func normalDistribution() {
        #expect(OptionPricing.normalCDF(0) == 0.5)
        #expect(abs(OptionPricing.normalCDF(1.96) - 0.975002104851780) < 1e-15)
        #expect(abs(OptionPricing.normalCDF(-10) / 7.61985302416053e-24 - 1) < 1e-13)
    }

    // MARK: Relations

    static let inputs = Gen.double(in: 1...100_000)
    static let moneyness = Gen.double(in: 0.3...3)
    static let years = Gen.double(in: 0.001...3)
    static let volatilities = Gen.double(in: 0.01...3)
    static let rates = Gen.double(in: -0.05...0.25)

    /// C − P = D (F − K), which for Black-Scholes is S − K e^(−rT).
    @Test("put-call parity holds over generated inputs, for both models")
    func putCallParity() async {
        await propertyCheck(count: 3_000, input: Self.inputs, Self.moneyness, Self.years, Self.volatilities, Self.rates) {
            underlying, moneyness, years, volatility, rate in
            let strike = underlying * moneyness
            let discount = exp(-rate * years)
            for model in OptionModel.allCases {
                let call = Self.price(
                    .call, model, underlying: underlying, strike: strike, years: years, volatility: volatility, rate: rate)
                let put = Self.price(.put, model, underlying: underlying, strike: strike, years: years, volatility: volatility, rate: rate)
                let forward = model == .blackScholes ? underlying / discount : underlying
                #expect(abs((call - put) - discount * (forward - strike)) <= 1e-9 * max(underlying, strike))
            }
        }
    }

    @Test("Black-Scholes on the spot S is Black-76 on its forward S e^(rT)")
    func modelsAgreeOnTheForward() async {
        await propertyCheck(count: 2_000, input: Self.inputs, Self.moneyness, Self.years, Self.volatilities, Self.rates) {
            spot, moneyness, years, volatility, rate in
            for kind in OptionKind.allCases {
                let onSpot = Self.price(
                    kind, .blackScholes, underlying: spot, strike: spot * moneyness, years: years, volatility: volatility, rate: rate)
                let onForward = Self.price(
                    kind, .black76, underlying: spot * exp(rate * years), strike: spot * moneyness, years: years, volatility: volatility,
                    rate: rate)
                #expect(abs(onSpot - onForward) <= 1e-9 * spot * max(1, moneyness))
            }
        }
    }

    /// A call is worth at least its discounted intrinsic value and at most the discounted forward; a put at least its
    /// discounted intrinsic value and at most the discounted strike.
    @Test("premiums stay within their no-arbitrage bounds")
    func bounds() async {
        await propertyCheck(count: 3_000, input: Self.inputs, Self.moneyness, Self.years, Self.volatilities, Self.rates) {
            underlying, moneyness, years, volatility, rate in
            let strike = underlying * moneyness
            let discount = exp(-rate * years)
            let slack = 1e-9 * max(underlying, strike)
            for model in OptionModel.allCases {
                let forward = model == .blackScholes ? underlying / discount : underlying
                let call = Self.price(
                    .call, model, underlying: underlying, strike: strike, years: years, volatility: volatility, rate: rate)
                let put = Self.price(.put, model, underlying: underlying, strike: strike, years: years, volatility: volatility, rate: rate)
                #expect(call >= discount * max(forward - strike, 0) - slack && call <= discount * forward + slack)
                #expect(put >= discount * max(strike - forward, 0) - slack && put <= discount * strike + slack)
            }
        }
    }

    // MARK: Limits

    /// σ = 0: the underlying surely ends at the forward. Black-Scholes call max(S − K e^(−rT), 0): 42 − 40 e^(−0.05).
    @Test(
        "without volatility the premium is the discounted intrinsic value of the forward",
        arguments: [
            (OptionKind.call, OptionModel.blackScholes, 42.0, 40.0, 42 - 40 * exp(-0.05)),
            (.put, .blackScholes, 42, 40, 0),
            (.put, .blackScholes, 38, 40, 40 * exp(-0.05) - 38),
            (.call, .blackScholes, 39, 40, 39 - 40 * exp(-0.05)),
            (.call, .black76, 42, 40, exp(-0.05) * 2),
            (.put, .black76, 38, 40, exp(-0.05) * 2),
            (.put, .black76, 42, 40, 0),
        ] as [(OptionKind, OptionModel, Double, Double, Double)]
    )
    func noVolatility(kind: OptionKind, model: OptionModel, underlying: Double, strike: Double, expected: Double) {
        let exact = Self.price(kind, model, underlying: underlying, strike: strike, years: 0.5, volatility: 0, rate: 0.1)
        #expect(abs(exact - expected) < 1e-12)
        // And the formula tends to it as σ → 0.
        let nearly = Self.price(kind, model, underlying: underlying, strike: strike, years: 0.5, volatility: 1e-6, rate: 0.1)
        #expect(abs(nearly - expected) < 1e-9)
    }

    @Test("at expiry (T = 0, or past it) the premium is the intrinsic value, undiscounted", arguments: [0.0, -1])
    func atExpiry(years: Double) {
        for model in OptionModel.allCases {
            #expect(Self.price(.call, model, underlying: 42, strike: 40, years: years, volatility: 0.2, rate: 0.1) == 2)
            #expect(Self.price(.put, model, underlying: 42, strike: 40, years: years, volatility: 0.2, rate: 0.1) == 0)
            #expect(Self.price(.put, model, underlying: 37.5, strike: 40, years: years, volatility: 0.2, rate: 0.1) == 2.5)
        }
    }

    @Test(
        "inputs with no price give NaN",
        arguments: [
            (0.0, 40.0, 0.5, 0.2, 0.1), (-42, 40, 0.5, 0.2, 0.1), (42, 0, 0.5, 0.2, 0.1), (42, -40, 0.5, 0.2, 0.1),
            (42, 40, 0.5, -0.2, 0.1), (.nan, 40, 0.5, 0.2, 0.1), (42, .nan, 0.5, 0.2, 0.1), (42, 40, .nan, 0.2, 0.1),
            (42, 40, 0.5, .nan, 0.1), (42, 40, 0.5, 0.2, .nan), (.infinity, 40, 0.5, 0.2, 0.1), (42, 40, .infinity, 0.2, 0.1),
            (42, 40, 0.5, .infinity, 0.1), (42, 40, 0.5, 0.2, .infinity),
        ] as [(Double, Double, Double, Double, Double)]
    )
    func noPrice(underlying: Double, strike: Double, years: Double, volatility: Double, rate: Double) {
        for model in OptionModel.allCases {
            for kind in OptionKind.allCases {
                #expect(
                    Self.price(kind, model, underlying: underlying, strike: strike, years: years, volatility: volatility, rate: rate).isNaN)
            }
        }
    }

    // MARK: Exact premiums

    static let now = instant("2026-12-07T10:00:00Z")

    /// A contract expiring `years` 365-day years after `now`.
    static func contract(_ kind: OptionKind, strike: String, years: Double) -> OptionContract {
        OptionContract(
            underlying: "BTC-USD", expiry: now.addingTimeInterval(years * OptionPricing.secondsPerYear), strike: decimal(strike), kind: kind
        )
    }

    /// Hull's example as a contract: call 4.7594..., put 0.8086...
    @Test(
        "the premium is rounded to the nearest tick",
        arguments: [
            (OptionKind.call, "0.01", "4.76"), (.call, "0.0001", "4.7594"), (.call, "0.5", "5"), (.call, "1", "5"),
            (.call, "0.25", "4.75"), (.put, "0.01", "0.81"), (.put, "1", "1"), (.put, "2", "0"), (.put, "0.00000001", "0.80859937"),
        ] as [(OptionKind, String, String)]
    )
    func roundedToTick(kind: OptionKind, tick: String, expected: String) {
        let premium = OptionPricing.premium(
            Self.contract(kind, strike: "40", years: 0.5), underlyingPrice: 42, volatility: 0.2, rate: 0.1, model: .blackScholes,
            at: Self.now,
            tick: decimal(tick))
        #expect(premium == decimal(expected))
    }

    /// Hull's futures example as a contract: T = 4/12 of a 365-day year, F = 20.
    @Test("a Black-76 premium takes the forward price as the underlying price")
    func black76Premium() {
        let premium = OptionPricing.premium(
            Self.contract(.put, strike: "20", years: 4.0 / 12), underlyingPrice: 20, volatility: 0.25, rate: 0.09, model: .black76,
            at: Self.now,
            tick: decimal("0.0001"))
        #expect(premium == decimal("1.1166"))
    }

    /// Intrinsic values 2.5 and 3.5 are exact halves of a tick of 1: half-even gives 2 and 4.
    @Test(
        "at or after expiry the premium is the exact intrinsic value, halves of a tick rounding to even",
        arguments: [
            ("42.5", "0.01", 0.0, "2.5"), ("42.5", "1", 0.0, "2"), ("43.5", "1", 0.0, "4"),
            ("97000.12345678", "0.00000001", -1, "96960.12345678"),
            ("39", "0.01", 0, "0"),
        ] as [(String, String, Double, String)]
    )
    func expiredPremium(underlyingPrice: String, tick: String, yearsAfterExpiry: Double, expected: String) {
        let contract = Self.contract(.call, strike: "40", years: yearsAfterExpiry)
        let premium = OptionPricing.premium(
            contract, underlyingPrice: decimal(underlyingPrice), volatility: 0.8, rate: 0.05, model: .blackScholes, at: Self.now,
            tick: decimal(tick))
        #expect(premium == decimal(expected))
    }

    @Test("a far out-of-the-money premium below half a tick is 0, never negative")
    func farOutOfTheMoney() {
        let premium = OptionPricing.premium(
            Self.contract(.call, strike: "500000", years: 1.0 / 365), underlyingPrice: 97_000, volatility: 0.5, rate: 0.05,
            model: .blackScholes,
            at: Self.now, tick: decimal("0.01"))
        #expect(premium == 0)
    }

    @Test(
        "a premium without a price, or with a tick that is not positive, is NaN",
        arguments: [
            ("42", "0.2", "0.1", "0"), ("42", "0.2", "0.1", "-0.01"), ("0", "0.2", "0.1", "0.01"), ("-42", "0.2", "0.1", "0.01"),
            ("42", "-0.2", "0.1", "0.01"), ("42", "NaN", "0.1", "0.01"), ("42", "0.2", "NaN", "0.01"),
        ] as [(String, String, String, String)]
    )
    func noPremium(underlyingPrice: String, volatility: String, rate: String, tick: String) {
        for years in [0.5, -1] {
            let premium = OptionPricing.premium(
                Self.contract(.call, strike: "40", years: years), underlyingPrice: decimal(underlyingPrice),
                volatility: volatility == "NaN" ? .nan : decimal(volatility), rate: rate == "NaN" ? .nan : decimal(rate),
                model: .blackScholes, at: Self.now,
                tick: decimal(tick))
            #expect(premium.isNaN)
        }
        let nanTick = OptionPricing.premium(
            Self.contract(.call, strike: "40", years: 0.5), underlyingPrice: 42, volatility: 0.2, rate: 0.1, model: .blackScholes,
            at: Self.now,
            tick: .nan)
        #expect(nanTick.isNaN)
    }
}
