import BallastCore
import Foundation

/// What an option signal asks for (`direction` or `optionType` call or put): a contract on the signal's symbol, by
/// `strike` or by the bridges' strike selection (`strikesAway`, `intrinsicValue`), expiring as `expiration` says
/// (nearest listed when absent), priced at the signal's `volatility` when it sends one.
public struct OptionTerms: Sendable, Equatable {
    public var kind: OptionKind
    public var strike: Decimal?
    public var expiration: ExpirationRule
    public var selection: StrikeSelection?
    public var volatility: Decimal?

    /// The terms of `signal`, or nil when it is no option signal; what cannot be read is appended to `reasons`.
    static func read(_ signal: SignalDocument, reasons: inout [RiskViolation]) -> OptionTerms? {
        guard let direction = signal.direction?.lowercased(), let kind = OptionKind(rawValue: direction) else { return nil }
        func reject(_ rule: String, _ message: String) { reasons.append(RiskViolation(rule: rule, message: message)) }
        var terms = OptionTerms(kind: kind, strike: nil, expiration: .nearest, selection: nil, volatility: nil)
        if let text = signal.strike {
            terms.strike = ExactDecimal.parse(text).flatMap { $0 > 0 ? $0 : nil }
            if terms.strike == nil { reject("invalid_strike", "strike must be a number above 0, got '\(text)'") }
        }
        if let text = signal.expiration {
            if let rule = ExpirationRule(text: text, now: signal.receivedAt) {
                terms.expiration = rule
            } else {
                reject("invalid_expiration", "expiration must be a date, a time or a span such as +7d, got '\(text.prefix(32))'")
            }
        }
        if signal.strikesAway != nil || signal.intrinsicValue != nil {
            let away = signal.strikesAway.flatMap { Int($0) }
            let moneyness = signal.intrinsicValue.flatMap { Moneyness(rawValue: $0.lowercased()) }
            if signal.strikesAway != nil, away == nil { reject("invalid_strikes_away", "strikesAway must be a whole number") }
            if signal.intrinsicValue != nil, moneyness == nil { reject("invalid_intrinsic_value", "intrinsicValue must be itm or otm") }
            // `intrinsicValue` alone means the first strike that side of the money.
            terms.selection = StrikeSelection(strikesAway: away ?? 1, moneyness: moneyness)
        }
        if let text = signal.volatility {
            terms.volatility = ExactDecimal.parse(text).flatMap { $0 > 0 ? $0 : nil }
            if terms.volatility == nil { reject("invalid_volatility", "volatility must be a number above 0, got '\(text)'") }
        }
        if signal.orderType.lowercased() != "market" || signal.price != nil {
            reject("invalid_option_order", "options are bought and sold at the model's price: send no price and no limit")
        }
        if [
            signal.stopLoss, signal.takeProfit, signal.stopLossPercent, signal.stopLossAmount, signal.takeProfitPercent,
            signal.takeProfitAmount, signal.trailingStopPercent,
        ].contains(where: { $0 != nil }) {
            reject("invalid_option_order", "option positions take no stop loss, take profit or trailing stop: they settle at expiry")
        }
        return terms
    }
}
