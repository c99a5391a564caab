import BallastCore
import BallastMarket
import BallastService
import BallastTrading
import Foundation

/// Turns a webhook body into a `SignalInput`, collecting every bad field rather than stopping at the first.
///
/// Accepts what TradingView sends: `symbol` or `ticker` (with an optional `EXCHANGE:` prefix), `action`
/// in any case, numbers as JSON numbers or strings (parsed exactly), `timestamp` as RFC 3339 or epoch ms.
/// Also the seed's signals (`direction` without `action`) and the TradersPost bridge format (`exit`, `cancel`
/// and `add` actions, `sentiment`, exits as objects, `signalPrice`, `time`, `interval`); docs/signals.md
/// gives each field's meaning.
public enum SignalParser {
    static let knownFields: Set<String> = [
        "id", "symbol", "ticker", "action", "direction", "quantity", "size", "price", "orderType", "stopLoss",
        "takeProfit", "timeframe", "strike", "expiration", "strategy", "comment", "timestamp", "secret", "timeInForce",
        "expiresAt", "trailingStopPercent", "sentiment", "signalPrice", "time", "interval", "quantityType", "optionType",
        "strikesAway", "intrinsicValue", "volatility",
    ]

    /// The signal in `body`, or a 400 naming every bad field. `now` is the time of receipt, which `expiresAt` must
    /// be after. The `secret` field is the webhook controller's; it is not part of the signal.
    public static func parse(
        _ body: JSONValue, now: Date = Date(), optionChain: OptionChainSettings = .crypto
    ) throws(ProblemDetails) -> SignalInput {
        guard case .object(let members) = body else {
            throw BodyFields.failure([.init(name: "body", reason: "must be a JSON object")])
        }
        var fields = BodyFields(body)
        let clientID = fields.text("id", maxLength: 128)
        let ticker = readTicker(&fields)
        let intent = readIntent(&fields)
        let size = readSize(&fields)
        let (orderType, price) = readPrice(&fields, action: intent.action)
        let stopLoss = readExitLevel(&fields, .stopLoss)
        let takeProfit = readExitLevel(&fields, .takeProfit)
        let strike = fields.positiveDecimal("strike")
        let timing = readTiming(&fields, now: now)
        let trailingStopPercent = readTrailingStop(&fields, stopLoss: stopLoss)
        let timeframe = fields.text("timeframe", maxLength: 16) ?? fields.text("interval", maxLength: 16)
        let expiration = fields.text("expiration", maxLength: 32)
        let strategy = fields.text("strategy", maxLength: 128)
        let comment = fields.text("comment", maxLength: 1024)
        let strikeSelection = readStrikeSelection(
            &fields, direction: intent.direction, strike: strike, expiration: expiration, now: now, chain: optionChain)
        if intent.direction == .call || intent.direction == .put {
            // Options trade at the model's price and settle at expiry: what a spot order may carry besides is refused here,
            // not accepted and refused later.
            let refused: [(String, Bool)] = [
                ("price", price != nil), ("orderType", orderType == .limit), ("stopLoss", stopLoss != nil),
                ("takeProfit", takeProfit != nil), ("trailingStopPercent", trailingStopPercent != nil),
            ]
            for (name, sent) in refused where sent && !fields.hasProblem(name) {
                fields.report(name, "options are bought and sold at the model's price and settle at expiry: leave \(name) out")
            }
        }
        checkStorable(members, &fields)
        // Without a problem, an action was read or taken from the direction.
        guard fields.problems.isEmpty, let action = intent.action else { throw fields.failure }
        return SignalInput(
            clientID: clientID, exchange: ticker.exchange, symbol: ticker.symbol ?? "", action: action, direction: intent.direction,
            quantity: size.quantity, notional: size.notional, price: price, orderType: orderType,
            stopLoss: stopLoss?.fixedPrice, takeProfit: takeProfit?.fixedPrice,
            stopLossPercent: stopLoss?.percentOfEntry, stopLossAmount: stopLoss?.amountFromEntry,
            takeProfitPercent: takeProfit?.percentOfEntry, takeProfitAmount: takeProfit?.amountFromEntry,
            sentiment: intent.sentiment, timeframe: timeframe, strike: strike, expiration: expiration, strategy: strategy,
            comment: comment, timestamp: timing.timestamp, timeInForce: timing.timeInForce, expiresAt: timing.expiresAt,
            trailingStopPercent: trailingStopPercent, strikesAway: strikeSelection.strikesAway,
            intrinsicValue: strikeSelection.intrinsicValue, volatility: strikeSelection.volatility,
            extra: members.filter { !knownFields.contains($0.key) }
        )
    }

    /// An option's strike selection: `strikesAway` (-20 to 20) and `intrinsicValue` (`itm` or `otm`), only with
    /// `direction` call or put and never with a `strike` too; and its `expiration`, which must read as a date, a time or a
    /// span from now (`+7d`, `+2w`) and not be past.
    private static func readStrikeSelection(
        _ fields: inout BodyFields, direction: SignalInput.Direction?, strike: Decimal?, expiration: String?, now: Date,
        chain: OptionChainSettings
    ) -> (strikesAway: Int?, intrinsicValue: SignalInput.Moneyness?, volatility: Decimal?) {
        var strikesAway: Int?
        if let text = fields.text("strikesAway", maxLength: 8) {
            if let number = Int(text), (-20...20).contains(number) {
                strikesAway = number
            } else {
                fields.report("strikesAway", "must be a whole number of strikes from -20 to 20, got '\(text)'")
            }
        }
        let intrinsicValue = fields.choice("intrinsicValue", SignalInput.Moneyness.self)
        var volatility: Decimal?
        if fields.isPresent("volatility") {
            volatility = fields.positiveDecimal("volatility")
            if let value = volatility, value > 10 {
                fields.report("volatility", "is the annual volatility as a fraction (0.65 for 65 %); \(value) is above 10")
                volatility = nil
            }
        }
        let isOption = direction == .call || direction == .put
        let given = [("strikesAway", strikesAway != nil), ("intrinsicValue", intrinsicValue != nil), ("volatility", volatility != nil)]
        for (name, given) in given where given && !isOption {
            fields.report(name, "is an option's: send it with direction (or optionType) call or put")
        }
        if let strikesAway, strikesAway < 0, intrinsicValue != nil {
            fields.report("strikesAway", "a negative strikesAway already counts into the money: with intrinsicValue send a positive one")
        }
        if isOption, strike != nil, strikesAway != nil || intrinsicValue != nil {
            fields.report("strike", "give a strike or a strike selection (strikesAway, intrinsicValue), not both")
        }
        if isOption, let strikesAway, strikesAway.magnitude > chain.strikesEachSide {
            fields.report(
                "strikesAway", "the chain lists \(chain.strikesEachSide) strikes each side of the money; \(strikesAway) is off it")
        }
        if isOption, let expiration {
            if let rule = ExpirationRule(text: expiration, now: now) {
                if case .on(let date) = rule, date < now {
                    fields.report("expiration", "'\(expiration)' is past; options are bought before they expire")
                } else {
                    // Expiries do not depend on the price: any spot lists the same ones.
                    let listed = OptionChain(underlying: "-", spot: 1, now: now, settings: chain)
                    do throws(OptionSelectionError) {
                        _ = try listed.select(kind: .call, strike: nil, expiration: rule, selection: nil)
                    } catch {
                        // Only the expiry is the chain's to judge here; the strike waits for the price.
                        if error.field == "expiration" { fields.report("expiration", error.description) }
                    }
                }
            } else {
                fields.report(
                    "expiration", "'\(expiration.prefix(32))' is not a date (2026-12-25), a time (RFC 3339) or a span from now (+7d, +2w)")
            }
        }
        return (strikesAway, intrinsicValue, volatility)
    }

    /// `symbol` or `ticker` (the one sent with a value): the bare symbol and the `EXCHANGE:` prefix, upper-cased.
    private static func readTicker(_ fields: inout BodyFields) -> (exchange: String?, symbol: String?) {
        let name = fields.isPresent("symbol") || !fields.isPresent("ticker") ? "symbol" : "ticker"
        guard let ticker = fields.text(name, maxLength: 64) else {
            if !fields.hasProblem(name) { fields.report("symbol", "is required (symbol or ticker)") }
            return (nil, nil)
        }
        // Empty pieces are kept, so that ":", "a:" and ":b" are refused rather than read as something else.
        let parts = ticker.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let symbol = parts.last.flatMap { MarketSymbol.normalized(String($0)) }
        let exchange = parts.count == 2 ? parts.first.flatMap { MarketSymbol.normalized(String($0)) } : nil
        guard let symbol, parts.count == 1 || exchange != nil else {
            fields.report(name, "'\(ticker)' is not a symbol")
            return (exchange, nil)
        }
        return (exchange, symbol)
    }

    /// What the signal asks for: `action`, `direction` (or the bridge's `optionType`) and `sentiment`, with the
    /// combinations that contradict each other refused by name.
    private static func readIntent(
        _ fields: inout BodyFields
    ) -> (action: SignalInput.Action?, direction: SignalInput.Direction?, sentiment: SignalInput.Sentiment?) {
        var direction = fields.choice("direction", SignalInput.Direction.self)
        // The bridge's `optionType` is the option's direction, as the seed's CALL and PUT.
        if let optionType = fields.choice("optionType", SignalInput.OptionType.self) {
            if let direction, direction.rawValue != optionType.rawValue {
                fields.report("optionType", "'\(optionType.rawValue)' contradicts direction '\(direction.rawValue)'")
                fields.report("direction", "'\(direction.rawValue)' contradicts optionType '\(optionType.rawValue)'")
            }
            direction = optionType == .call ? .call : .put
        }
        var action = fields.choice("action", SignalInput.Action.self)
        // Given: read, or named already as bad. An empty text counts as absent, as for every field.
        let actionGiven = action != nil || fields.hasProblem("action")
        let directionGiven = direction != nil || fields.hasProblem("direction") || fields.hasProblem("optionType")
        if !actionGiven && !directionGiven {
            fields.report("action", "is required (buy, sell, exit, cancel or add), unless a direction is given")
        }
        // The seed's signals: a direction alone opens or adds to that side (an option's direction buys it).
        if !actionGiven, let direction { action = direction == .short ? .sell : .buy }
        let sentiment = fields.choice("sentiment", SignalInput.Sentiment.self, aliases: ["bullish": .long, "bearish": .short])
        if let sentiment, let direction, direction == .long || direction == .short, sentiment != .flat,
            sentiment.rawValue != direction.rawValue
        {
            fields.report("sentiment", "'\(sentiment.rawValue)' contradicts direction '\(direction.rawValue)'")
            fields.report("direction", "'\(direction.rawValue)' contradicts sentiment '\(sentiment.rawValue)'")
        }
        if action == .exit, let sentiment, sentiment != .flat {
            fields.report("sentiment", "an exit leaves the position flat, not '\(sentiment.rawValue)'")
        }
        return (action, direction, sentiment)
    }

    /// `quantity` or `size`, in units of the base asset, or with the bridge's `quantityType` `dollar_amount` an
    /// amount of the quote currency to trade (`notional`).
    private static func readSize(_ fields: inout BodyFields) -> (quantity: Decimal?, notional: Decimal?) {
        let name = fields.isPresent("quantity") || !fields.isPresent("size") ? "quantity" : "size"
        let quantity = fields.positiveDecimal(name)
        guard let quantityType = fields.choice("quantityType", SignalInput.QuantityType.self) else { return (quantity, nil) }
        guard fields.isPresent(name) else {
            fields.report("quantityType", "is given without a quantity")
            return (quantity, nil)
        }
        return quantityType == .dollarAmount ? (nil, quantity) : (quantity, nil)
    }

    /// `orderType` and `price`; `signalPrice` (the market price when the alert fired) is a market order's price when
    /// `price` is absent. A limit order other than a cancel needs a price.
    private static func readPrice(
        _ fields: inout BodyFields, action: SignalInput.Action?
    ) -> (orderType: SignalInput.OrderType, price: Decimal?) {
        let orderType = fields.choice("orderType", SignalInput.OrderType.self) ?? .market
        var price = fields.positiveDecimal("price")
        let signalPrice = fields.positiveDecimal("signalPrice")
        if orderType == .market, price == nil { price = signalPrice }
        if orderType == .limit && price == nil && action != .cancel && !fields.hasProblem("price") {
            fields.report("price", "is required for a limit order")
        }
        return (orderType, price)
    }

    private static func readExitLevel(_ fields: inout BodyFields, _ kind: ExitLevel.Kind) -> ExitLevel? {
        guard fields.isPresent(kind.field), let value = fields.body[kind.field] else { return nil }
        var problems: [ProblemDetails.InvalidParameter] = []
        let level = ExitLevel.parse(value, kind: kind, problems: &problems)
        fields.report(problems)
        return level
    }

    /// When the alert fired (`timestamp`, else `time`), and how long a limit order rests (`timeInForce`, with
    /// `expiresAt` for `gtd`, in the future).
    private static func readTiming(
        _ fields: inout BodyFields, now: Date
    ) -> (timestamp: Date?, timeInForce: SignalInput.TimeInForce?, expiresAt: Date?) {
        let timestamp = readTimestamp(&fields, fields.isPresent("timestamp") ? "timestamp" : "time")
        let timeInForce = fields.choice("timeInForce", SignalInput.TimeInForce.self)
        var expiresAt: Date?
        if let text = fields.text("expiresAt", maxLength: 64) {
            if let date = RFC3339.date(from: text) {
                expiresAt = date
            } else {
                fields.report("expiresAt", "expected an RFC 3339 timestamp, got '\(text.prefix(40))'")
            }
        }
        if let date = expiresAt, date <= now {
            fields.report("expiresAt", "must be in the future")
            expiresAt = nil
        }
        if timeInForce == .gtd && expiresAt == nil && !fields.hasProblem("expiresAt") {
            fields.report("expiresAt", "is required when timeInForce is gtd")
        }
        if expiresAt != nil && timeInForce != .gtd && !fields.hasProblem("timeInForce") {
            fields.report("expiresAt", "is accepted only with timeInForce gtd")
        }
        return (timestamp, timeInForce, expiresAt)
    }

    /// `trailingStopPercent`, or the `trailPercent` of a `trailing_stop` stop loss (not both).
    private static func readTrailingStop(_ fields: inout BodyFields, stopLoss: ExitLevel?) -> Decimal? {
        var percent = fields.positiveDecimal("trailingStopPercent")
        if let given = percent, given >= 100 {
            fields.report("trailingStopPercent", "must be less than 100")
            percent = nil
        }
        guard case .trailingPercent(let trail)? = stopLoss else { return percent }
        if fields.isPresent("trailingStopPercent") {
            fields.report("trailingStopPercent", "is given twice: here and as a trailing_stop stopLoss")
        }
        return trail
    }

    /// The body is stored as sent (less the secret), and PostgreSQL cannot store a NUL character: a field that
    /// holds one, at any depth, is named unless its own check has named it already; a field name with one is the body's.
    private static func checkStorable(_ members: [(key: String, value: JSONValue)], _ fields: inout BodyFields) {
        for (key, value) in members where key != "secret" {
            if key.utf8.contains(0) {
                if !fields.problems.contains(where: { $0.name == "body" }) {
                    fields.report("body", "a field name contains a NUL character, which cannot be stored")
                }
            } else if value.containsNUL, !fields.hasProblem(key) {
                fields.report(String(key.prefix(64)), "contains a NUL character, which cannot be stored")
            }
        }
    }

    /// RFC 3339, or epoch milliseconds as a number or a string of digits.
    private static func readTimestamp(_ fields: inout BodyFields, _ name: String) -> Date? {
        switch fields.body[name] {
        case nil, .null?:
            return nil
        case .number(let digits)?, .string(let digits)?:
            // Bounded like RFC 3339 text: a later instant could not be written back when the signal is stored.
            if let milliseconds = Int64(digits), milliseconds > 0, RFC3339.supportedMilliseconds.contains(milliseconds) {
                return Date(epochMilliseconds: milliseconds)
            }
            if let date = RFC3339.date(from: digits) { return date }
            fields.report(name, "expected RFC 3339 or epoch milliseconds, got '\(digits.prefix(40))'")
        default:
            fields.report(name, "expected RFC 3339 or epoch milliseconds")
        }
        return nil
    }
}

extension JSONValue {
    /// Whether a string or a key anywhere in this value holds U+0000.
    fileprivate var containsNUL: Bool {
        switch self {
        case .string(let text): text.utf8.contains(0)
        case .array(let values): values.contains { $0.containsNUL }
        case .object(let members): members.contains { $0.key.utf8.contains(0) || $0.value.containsNUL }
        default: false
        }
    }
}
