import BallastCore
import Foundation

/// A trading signal as a webhook delivered it, validated and normalised; the `secret` is never kept.
public struct SignalInput: Sendable, Equatable {
    /// `buy` and `sell` trade; `exit` closes the position, `add` adds to it, `cancel` cancels the open
    /// orders of the symbol and strategy (the TradersPost bridge format's actions).
    public enum Action: String, Sendable, Codable, CaseIterable { case buy, sell, exit, cancel, add }
    public enum Direction: String, Sendable, Codable, CaseIterable { case long, short, call, put }
    /// The position the sender expects after the trade (`sentiment`: `bullish` reads as `long`, `bearish` as `short`).
    public enum Sentiment: String, Sendable, Codable, CaseIterable { case long, short, flat }
    public enum OrderType: String, Sendable, Codable, CaseIterable { case market, limit }
    /// What the bridge's `quantity` counts (`quantityType`): units of the base asset, or quote currency to spend.
    public enum QuantityType: String, Sendable, Codable, CaseIterable {
        case fixedQuantity = "fixed_quantity"
        case dollarAmount = "dollar_amount"
    }
    /// The bridge's `optionType`, read as the option's `direction`.
    public enum OptionType: String, Sendable, Codable, CaseIterable { case call, put }
    public enum TimeInForce: String, Sendable, Codable, CaseIterable { case gtc, ioc, day, gtd }
    /// The bridges' `intrinsicValue`: whether `strikesAway` counts into the money or out of it.
    public enum Moneyness: String, Sendable, Codable, CaseIterable { case itm, otm }

    /// The sender's own id, for deduplication (`id` in the body).
    public var clientID: String?
    /// The venue prefix of a TradingView ticker (`BINANCE` in `BINANCE:BTCUSDT`), upper-cased.
    public var exchange: String?
    public var symbol: String
    public var action: Action
    public var direction: Direction?
    public var quantity: Decimal?
    /// An amount of the quote currency to trade instead of a quantity (`quantityType` `dollar_amount`).
    public var notional: Decimal?
    public var price: Decimal?
    public var orderType: OrderType
    public var stopLoss: Decimal?
    public var takeProfit: Decimal?
    /// Exits relative to the entry price: a percentage of it, or an amount of the quote currency away from it.
    public var stopLossPercent: Decimal?
    public var stopLossAmount: Decimal?
    public var takeProfitPercent: Decimal?
    public var takeProfitAmount: Decimal?
    public var sentiment: Sentiment?
    public var timeframe: String?
    public var strike: Decimal?
    public var expiration: String?
    public var strategy: String?
    public var comment: String?
    /// When the alert fired, as the sender said (RFC 3339 or epoch milliseconds).
    public var timestamp: Date?
    /// How long a limit order stays open; signal-processor applies its default when absent.
    public var timeInForce: TimeInForce?
    /// When a `gtd` order ends: in the future when received, and only with `gtd`.
    public var expiresAt: Date?
    /// A trailing stop for the position the order opens or grows, in percent: above 0, below 100.
    public var trailingStopPercent: Decimal?
    /// An option's strike chosen from the chain (`direction` call or put): this many strikes from the money.
    public var strikesAway: Int? = nil
    public var intrinsicValue: Moneyness? = nil
    /// The annual volatility to price an option at (0.65 for 65 %), above 0 and at most 10.
    public var volatility: Decimal? = nil
    /// Fields Ballast does not know, kept as sent.
    public var extra: [(key: String, value: JSONValue)]

    public static func == (lhs: SignalInput, rhs: SignalInput) -> Bool {
        lhs.fingerprint == rhs.fingerprint && lhs.clientID == rhs.clientID && lhs.timestamp == rhs.timestamp
            && JSONValue.object(lhs.extra) == JSONValue.object(rhs.extra)
    }

    /// The normalised trading content, for the duplicate window: two alerts with the same fingerprint
    /// from one source within the window are one signal.
    public var fingerprint: String {
        Self.fingerprint(
            exchange: exchange, symbol: symbol, action: action.rawValue, direction: direction?.rawValue,
            quantity: quantity.map { "\($0)" }, price: price.map { "\($0)" }, orderType: orderType.rawValue,
            stopLoss: stopLoss.map { "\($0)" }, takeProfit: takeProfit.map { "\($0)" }, timeframe: timeframe,
            strike: strike.map { "\($0)" }, expiration: expiration, strategy: strategy,
            timeInForce: timeInForce?.rawValue, expiresAt: expiresAt.map(RFC3339.string(from:)),
            trailingStopPercent: trailingStopPercent.map { "\($0)" }, sentiment: sentiment?.rawValue,
            relativeExits: [stopLossPercent, stopLossAmount, takeProfitPercent, takeProfitAmount].map { $0.map { "\($0)" } },
            notional: notional.map { "\($0)" }, strikesAway: strikesAway.map(String.init), intrinsicValue: intrinsicValue?.rawValue,
            volatility: volatility.map { "\($0)" }
        )
    }

    /// The fingerprint from the fields as text, amounts as `Decimal` prints them (`SignalDocument` has
    /// them so already, and ingest takes the fingerprint from there rather than print every amount twice).
    ///
    /// The order fields (time in force, `expiresAt` in canonical RFC 3339, trailing stop) are appended
    /// only when one of them is present: a signal without them keeps the fingerprint signals had before
    /// these fields existed, so the duplicate window still matches signals stored before the change. The
    /// bridge fields (sentiment, relative exits: stop loss percent and amount, take profit percent and amount)
    /// likewise, and a notional (`quantityType` `dollar_amount`) after them, marked so that it cannot read as another field.
    static func fingerprint(
        exchange: String?, symbol: String, action: String, direction: String?, quantity: String?, price: String?,
        orderType: String, stopLoss: String?, takeProfit: String?, timeframe: String?, strike: String?,
        expiration: String?, strategy: String?, timeInForce: String?, expiresAt: String?, trailingStopPercent: String?,
        sentiment: String?, relativeExits: [String?], notional: String? = nil, strikesAway: String? = nil,
        intrinsicValue: String? = nil, volatility: String? = nil
    ) -> String {
        var parts = [
            exchange ?? "", symbol, action, direction ?? "", quantity ?? "", price ?? "", orderType, stopLoss ?? "",
            takeProfit ?? "", timeframe ?? "", strike ?? "", expiration ?? "", strategy ?? "",
        ]
        if timeInForce != nil || expiresAt != nil || trailingStopPercent != nil {
            parts += [timeInForce ?? "", expiresAt ?? "", trailingStopPercent ?? ""]
        }
        if sentiment != nil || relativeExits.contains(where: { $0 != nil }) {
            parts += [sentiment ?? ""] + relativeExits.map { $0 ?? "" }
        }
        if let notional { parts.append("notional=" + notional) }
        if strikesAway != nil || intrinsicValue != nil { parts.append("strikes=" + (strikesAway ?? "") + "|" + (intrinsicValue ?? "")) }
        if let volatility { parts.append("volatility=" + volatility) }
        return parts.joined(separator: "|")
    }
}
