import BallastCore
import Foundation

/// How paper options are listed and priced (`BALLAST_OPTION_*`, docs/configuration.md).
public struct OptionSettings: Sendable, Equatable {
    /// The annual volatility to price at (0.6 for 60 %); nil: estimated from the underlying's hourly candles over
    /// `volatilityWindowDays` (`RealizedVolatility`). A signal's own `volatility` comes first.
    public var volatility: Decimal?
    public var volatilityWindowDays = 30
    /// Units of the underlying one contract is for; premiums and payouts are per contract.
    public var multiplier: Decimal = 1
    /// Premiums (per unit of the underlying) are rounded to this, in the quote currency.
    public var tick = Decimal(string: "0.01")!
    /// The continuously compounded risk-free rate.
    public var rate: Decimal = 0
    public var model = OptionModel.blackScholes
    public var chain = OptionChainSettings.crypto

    public init() {}

    public init(environment: EnvironmentReader) throws(ConfigurationError) {
        func decimal(_ name: String) throws(ConfigurationError) -> Decimal? {
            guard let text = environment.string(name) else { return nil }
            guard let value = ExactDecimal.parse(text), value > 0 else {
                throw ConfigurationError(variable: name, reason: "expected a number above 0, got '\(text)'")
            }
            return value
        }
        if let volatility = try decimal("BALLAST_OPTION_VOLATILITY") {
            guard volatility <= 10 else {
                throw ConfigurationError(variable: "BALLAST_OPTION_VOLATILITY", reason: "is a fraction (0.6 for 60 %), got \(volatility)")
            }
            self.volatility = volatility
        }
        volatilityWindowDays = try environment.integer("BALLAST_OPTION_VOLATILITY_WINDOW_DAYS", default: 30, range: 2...365)
        multiplier = try decimal("BALLAST_OPTION_MULTIPLIER") ?? multiplier
        tick = try decimal("BALLAST_OPTION_TICK") ?? tick
        if let text = environment.string("BALLAST_OPTION_RATE") {
            guard let rate = ExactDecimal.parse(text), rate >= 0, rate < 1 else {
                throw ConfigurationError(
                    variable: "BALLAST_OPTION_RATE", reason: "expected a fraction from 0 to 1 (0.05 for 5 %), got '\(text)'")
            }
            self.rate = rate
        }
        model = try environment.choice("BALLAST_OPTION_MODEL", default: OptionModel.blackScholes)
        chain.dailyCount = try environment.integer("BALLAST_OPTION_DAILY_EXPIRIES", default: chain.dailyCount, range: 0...30)
        chain.weeklyCount = try environment.integer("BALLAST_OPTION_WEEKLY_EXPIRIES", default: chain.weeklyCount, range: 0...52)
        chain.monthlyCount = try environment.integer("BALLAST_OPTION_MONTHLY_EXPIRIES", default: chain.monthlyCount, range: 0...24)
        chain.strikesEachSide = try environment.integer("BALLAST_OPTION_STRIKES_EACH_SIDE", default: chain.strikesEachSide, range: 1...100)
    }

    /// Hourly candles read to estimate the volatility.
    var volatilityCandles: Int { volatilityWindowDays * 24 + 1 }
}
