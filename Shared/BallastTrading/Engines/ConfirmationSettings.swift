import BallastCore
import BallastMarket
import Foundation

/// The `confirmed` engine's settings, each with a default a trader would start from. Candles are market-data's, of
/// `interval`, closed ones only.
///
/// - Trend: an entry long needs EMA(`fastEma`) above EMA(`slowEma`); an entry short needs it below.
/// - Momentum: an entry long needs RSI(`rsiPeriod`) at most `rsiMaxForLong` (not overbought); an entry short needs it at
///   least `rsiMinForShort`.
/// - Size (`sizing` `atr`): the stop goes `atrStopMultiple` × ATR(`atrPeriod`) from the entry, unless the signal sets
///   one, and the quantity is what loses `riskPercent` of equity at that stop. `sizing` `signal` keeps the signal's size.
///
/// Exits and orders that make a position smaller are never held back: a confirmation guards entries only.
public struct ConfirmationSettings: Sendable, Equatable {
    public enum Sizing: String, Sendable, CaseIterable { case atr, signal }

    public var interval: CandleInterval = .oneHour
    public var fastEMA = 50
    public var slowEMA = 200
    public var rsiPeriod = 14
    public var rsiMaxForLong: Decimal = 70
    public var rsiMinForShort: Decimal = 30
    public var atrPeriod = 14
    public var atrStopMultiple: Decimal = 2
    public var riskPercent: Decimal = 1
    public var sizing = Sizing.atr

    public static let keys = [
        "interval", "fastEma", "slowEma", "rsiPeriod", "rsiMaxForLong", "rsiMinForShort", "atrPeriod", "atrStopMultiple",
        "riskPercent", "sizing",
    ]

    public init() {}

    /// Reads `settings` over the defaults; an unknown key or a value out of range is an error naming `settings.<key>`.
    public init(_ settings: [String: String]) throws(EngineSettingsError) {
        for key in settings.keys.sorted() where !Self.keys.contains(key) {
            throw EngineSettingsError(
                field: "settings.\(key.prefix(64))",
                reason: "is not a setting of the confirmed engine; expected \(Self.keys.joined(separator: ", "))")
        }
        func field(_ key: String) -> String { "settings.\(key)" }
        func period(_ key: String, default value: Int) throws(EngineSettingsError) -> Int {
            guard let text = settings[key] else { return value }
            guard let number = Int(text), (2...1_000).contains(number) else {
                throw EngineSettingsError(
                    field: field(key), reason: "must be a whole number of candles from 2 to 1000, got '\(text.prefix(32))'")
            }
            return number
        }
        func decimal(_ key: String, default value: Decimal, in range: ClosedRange<Decimal>) throws(EngineSettingsError) -> Decimal {
            guard let text = settings[key] else { return value }
            guard let number = ExactDecimal.parse(text), range.contains(number) else {
                throw EngineSettingsError(
                    field: field(key), reason: "must be a number from \(range.lowerBound) to \(range.upperBound), got '\(text.prefix(32))'")
            }
            return number
        }
        if let text = settings["interval"] {
            guard let interval = CandleInterval(rawValue: text), interval != .oneMonth else {
                throw EngineSettingsError(
                    field: field("interval"),
                    reason: "'\(text.prefix(16))' is not a candle interval; expected 1m, 5m, 15m, 30m, 1h, 4h, 1d or 1w")
            }
            self.interval = interval
        }
        fastEMA = try period("fastEma", default: fastEMA)
        slowEMA = try period("slowEma", default: slowEMA)
        guard fastEMA < slowEMA else {
            throw EngineSettingsError(field: field("fastEma"), reason: "must be shorter than slowEma (\(slowEMA)), got \(fastEMA)")
        }
        rsiPeriod = try period("rsiPeriod", default: rsiPeriod)
        rsiMaxForLong = try decimal("rsiMaxForLong", default: rsiMaxForLong, in: 0...100)
        rsiMinForShort = try decimal("rsiMinForShort", default: rsiMinForShort, in: 0...100)
        atrPeriod = try period("atrPeriod", default: atrPeriod)
        atrStopMultiple = try decimal("atrStopMultiple", default: atrStopMultiple, in: Decimal(string: "0.1")!...100)
        riskPercent = try decimal("riskPercent", default: riskPercent, in: Decimal(string: "0.01")!...100)
        if let text = settings["sizing"] {
            guard let sizing = Sizing(rawValue: text) else {
                throw EngineSettingsError(field: field("sizing"), reason: "'\(text.prefix(16))' is not atr or signal")
            }
            self.sizing = sizing
        }
    }

    /// Closed candles read for one decision: twice the longest period, so the EMAs have settled from their seed
    /// (docs/indicators.md).
    public var candlesNeeded: Int { 2 * max(slowEMA, rsiPeriod + 1, atrPeriod + 1) }

    /// The fewest closed candles every indicator needs to have a value.
    public var candlesRequired: Int { max(slowEMA, rsiPeriod + 1, atrPeriod + 1) }
}
