import BallastCore
import BallastService
import Foundation

/// Turns a webhook body into a `SignalInput`, collecting every bad field rather than stopping at the first.
///
/// Accepts what TradingView sends: `symbol` or `ticker` (with an optional `EXCHANGE:` prefix), `action`
/// in any case, numbers as JSON numbers or strings (parsed exactly), `timestamp` as RFC 3339 or epoch ms.
/// Also the seed's signals (`direction` without `action`) and the TradersPost bridge format (`exit`, `cancel`
/// and `add` actions, `sentiment`, exits as objects, `signalPrice`, `time`, `interval`); docs/signals.md
/// gives each field's meaning.
public enum SignalParser {
    public struct Parsed: Sendable {
        public var signal: SignalInput
        /// The `secret` body field (TradingView cannot send headers); removed from the signal.
        public var secret: String?
    }

    static let knownFields: Set<String> = [
        "id", "symbol", "ticker", "action", "direction", "quantity", "size", "price", "orderType", "stopLoss",
        "takeProfit", "timeframe", "strike", "expiration", "strategy", "comment", "timestamp", "secret", "timeInForce",
        "expiresAt", "trailingStopPercent", "sentiment", "signalPrice", "time", "interval", "quantityType", "optionType",
    ]

    /// `now` is the time of receipt, which `expiresAt` must be after.
    public static func parse(_ body: JSONValue, now: Date = Date()) throws(ProblemDetails) -> Parsed {
        guard case .object(let members) = body else {
            throw invalid([.init(name: "body", reason: "must be a JSON object")])
        }
        var problems: [ProblemDetails.InvalidParameter] = []
        func text(_ name: String, maxLength: Int = 256) -> String? {
            guard let value = body[name], value != .null else { return nil }
            switch value {
            case .string(let string)
            where string.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }:
                problems.append(.init(name: name, reason: "must not contain control characters"))
            case .string(let string) where string.count <= maxLength:
                let trimmed = string.trimmingEdgeWhitespace()
                return trimmed.isEmpty ? nil : trimmed
            case .string: problems.append(.init(name: name, reason: "must be at most \(maxLength) characters"))
            case .number(let number): return number
            default: problems.append(.init(name: name, reason: "must be a string"))
            }
            return nil
        }
        func decimal(_ name: String) -> Decimal? {
            guard let value = body[name], value != .null else { return nil }
            return PositiveDecimal.read(value, name: name, problems: &problems)
        }
        func choice<Value: RawRepresentable & CaseIterable>(_ name: String, _ type: Value.Type, aliases: [String: Value] = [:]) -> Value?
        where Value.RawValue == String {
            guard let raw = text(name, maxLength: 32) else { return nil }
            if let value = Value(rawValue: raw.lowercased()) ?? aliases[raw.lowercased()] { return value }
            let accepted = (Value.allCases.map(\.rawValue) + aliases.keys.sorted()).joined(separator: ", ")
            problems.append(.init(name: name, reason: "'\(raw.prefix(40))' is not one of \(accepted)"))
            return nil
        }

        // Of two names for one field, the one sent with a value: `"symbol": null` does not hide a `ticker`.
        func present(_ name: String) -> Bool { body[name].map { $0 != .null } ?? false }
        let clientID = text("id", maxLength: 128)
        let tickerField = present("symbol") || !present("ticker") ? "symbol" : "ticker"
        var exchange: String?
        var symbol: String?
        if let ticker = text(tickerField, maxLength: 64) {
            // Empty pieces are kept, so that ":", "a:" and ":b" are refused rather than read as something else.
            let parts = ticker.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let bare = (parts.last ?? "").uppercased()
            if parts.count == 2, let prefix = parts.first { exchange = prefix.uppercased() }
            let isSymbolCharacter: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./!".contains($0)) }
            if bare.isEmpty || exchange?.isEmpty == true || !bare.allSatisfy(isSymbolCharacter)
                || !(exchange ?? "X").allSatisfy(isSymbolCharacter)
            {
                problems.append(.init(name: tickerField, reason: "'\(ticker)' is not a symbol"))
            } else {
                symbol = bare
            }
        } else if !problems.contains(where: { $0.name == tickerField }) {
            problems.append(.init(name: "symbol", reason: "is required (symbol or ticker)"))
        }
        var direction = choice("direction", SignalInput.Direction.self)
        // The bridge's `optionType` is the option's direction, as the seed's CALL and PUT.
        if let optionType = choice("optionType", SignalInput.OptionType.self) {
            if let direction, direction.rawValue != optionType.rawValue {
                problems.append(.init(name: "optionType", reason: "'\(optionType.rawValue)' contradicts direction '\(direction.rawValue)'"))
                problems.append(.init(name: "direction", reason: "'\(direction.rawValue)' contradicts optionType '\(optionType.rawValue)'"))
            }
            direction = optionType == .call ? .call : .put
        }
        var action = choice("action", SignalInput.Action.self)
        // Given: read, or named already as bad. An empty text counts as absent, as for every field.
        let actionGiven = action != nil || problems.contains { $0.name == "action" }
        let directionGiven = direction != nil || problems.contains { $0.name == "direction" || $0.name == "optionType" }
        if !actionGiven && !directionGiven {
            problems.append(.init(name: "action", reason: "is required (buy, sell, exit, cancel or add), unless a direction is given"))
        }
        // The seed's signals: a direction alone opens or adds to that side (an option's direction buys it).
        if !actionGiven, let direction { action = direction == .short ? .sell : .buy }
        let sentiment = choice("sentiment", SignalInput.Sentiment.self, aliases: ["bullish": .long, "bearish": .short])
        if let sentiment, let direction, direction == .long || direction == .short, sentiment != .flat,
            sentiment.rawValue != direction.rawValue
        {
            problems.append(.init(name: "sentiment", reason: "'\(sentiment.rawValue)' contradicts direction '\(direction.rawValue)'"))
            problems.append(.init(name: "direction", reason: "'\(direction.rawValue)' contradicts sentiment '\(sentiment.rawValue)'"))
        }
        if action == .exit, let sentiment, sentiment != .flat {
            problems.append(.init(name: "sentiment", reason: "an exit leaves the position flat, not '\(sentiment.rawValue)'"))
        }
        let quantityField = present("quantity") || !present("size") ? "quantity" : "size"
        var quantity = decimal(quantityField)
        // The bridge's `quantityType`: units of the base asset, or an amount of the quote currency to spend.
        var notional: Decimal?
        if let quantityType = choice("quantityType", SignalInput.QuantityType.self) {
            if !present(quantityField) {
                problems.append(.init(name: "quantityType", reason: "is given without a quantity"))
            } else if quantityType == .dollarAmount {
                (notional, quantity) = (quantity, nil)
            }
        }
        let orderType = choice("orderType", SignalInput.OrderType.self) ?? .market
        var price = decimal("price")
        // `signalPrice` is the market price when the alert fired: a market order's own price when `price` is absent.
        let signalPrice = decimal("signalPrice")
        if orderType == .market, price == nil { price = signalPrice }
        if orderType == .limit && price == nil && action != .cancel && !problems.contains(where: { $0.name == "price" }) {
            problems.append(.init(name: "price", reason: "is required for a limit order"))
        }
        let stopLoss = body["stopLoss"].flatMap { $0 == .null ? nil : ExitLevel.parse($0, kind: .stopLoss, problems: &problems) }
        let takeProfit = body["takeProfit"].flatMap { $0 == .null ? nil : ExitLevel.parse($0, kind: .takeProfit, problems: &problems) }
        let strike = decimal("strike")
        let timeField = body["timestamp"].map { $0 != .null } ?? false ? "timestamp" : "time"
        let timestamp = parseTimestamp(body[timeField], field: timeField, problems: &problems)
        let timeInForce = choice("timeInForce", SignalInput.TimeInForce.self)
        var expiresAt: Date?
        if let text = text("expiresAt", maxLength: 64) {
            if let date = RFC3339.date(from: text) {
                expiresAt = date
            } else {
                problems.append(.init(name: "expiresAt", reason: "expected an RFC 3339 timestamp, got '\(text.prefix(40))'"))
            }
        }
        if let date = expiresAt, date <= now {
            problems.append(.init(name: "expiresAt", reason: "must be in the future"))
            expiresAt = nil
        }
        if timeInForce == .gtd && expiresAt == nil && !problems.contains(where: { $0.name == "expiresAt" }) {
            problems.append(.init(name: "expiresAt", reason: "is required when timeInForce is gtd"))
        }
        if expiresAt != nil && timeInForce != .gtd && !problems.contains(where: { $0.name == "timeInForce" }) {
            problems.append(.init(name: "expiresAt", reason: "is accepted only with timeInForce gtd"))
        }
        var trailingStopPercent = decimal("trailingStopPercent")
        if let percent = trailingStopPercent, percent >= 100 {
            problems.append(.init(name: "trailingStopPercent", reason: "must be less than 100"))
            trailingStopPercent = nil
        }
        if case .trailingPercent(let percent)? = stopLoss {
            if body["trailingStopPercent"].map({ $0 != .null }) ?? false {
                problems.append(.init(name: "trailingStopPercent", reason: "is given twice: here and as a trailing_stop stopLoss"))
            }
            trailingStopPercent = percent
        }
        let timeframe = text("timeframe", maxLength: 16) ?? text("interval", maxLength: 16)
        let expiration = text("expiration", maxLength: 32)
        let strategy = text("strategy", maxLength: 128)
        let comment = text("comment", maxLength: 1024)
        unstorableText(in: members, problems: &problems)
        // Without a problem, an action was read or taken from the direction.
        guard problems.isEmpty, let action else { throw invalid(problems) }
        let parsed = SignalInput(
            clientID: clientID,
            exchange: exchange,
            symbol: symbol ?? "",
            action: action,
            direction: direction,
            quantity: quantity,
            notional: notional,
            price: price,
            orderType: orderType,
            stopLoss: stopLoss?.fixedPrice,
            takeProfit: takeProfit?.fixedPrice,
            stopLossPercent: stopLoss?.percentOfEntry,
            stopLossAmount: stopLoss?.amountFromEntry,
            takeProfitPercent: takeProfit?.percentOfEntry,
            takeProfitAmount: takeProfit?.amountFromEntry,
            sentiment: sentiment,
            timeframe: timeframe,
            strike: strike,
            expiration: expiration,
            strategy: strategy,
            comment: comment,
            timestamp: timestamp,
            timeInForce: timeInForce,
            expiresAt: expiresAt,
            trailingStopPercent: trailingStopPercent,
            extra: members.filter { !knownFields.contains($0.key) }
        )
        let secret: String? = if case .string(let value) = body["secret"] { value } else { nil }
        return Parsed(signal: parsed, secret: secret)
    }

    /// The body is stored as sent (less the secret), and PostgreSQL cannot store a NUL character: a field that
    /// holds one, at any depth, is named unless its own check has named it already; a field name with one is the body's.
    private static func unstorableText(in members: [(key: String, value: JSONValue)], problems: inout [ProblemDetails.InvalidParameter]) {
        for (key, value) in members where key != "secret" {
            if key.utf8.contains(0) {
                if !problems.contains(where: { $0.name == "body" }) {
                    problems.append(.init(name: "body", reason: "a field name contains a NUL character, which cannot be stored"))
                }
            } else if value.containsNUL, !problems.contains(where: { $0.name == key || $0.name.hasPrefix(key + ".") }) {
                problems.append(.init(name: String(key.prefix(64)), reason: "contains a NUL character, which cannot be stored"))
            }
        }
    }

    private static func parseTimestamp(
        _ value: JSONValue?, field: String, problems: inout [ProblemDetails.InvalidParameter]
    ) -> Date? {
        switch value {
        case nil, .null?:
            return nil
        case .number(let digits)?, .string(let digits)?:
            // Bounded like RFC 3339 text: a later instant could not be written back when the signal is stored.
            if let milliseconds = Int64(digits), milliseconds > 0, RFC3339.supportedMilliseconds.contains(milliseconds) {
                return Date(epochMilliseconds: milliseconds)
            }
            if let date = RFC3339.date(from: digits) { return date }
            problems.append(.init(name: field, reason: "expected RFC 3339 or epoch milliseconds, got '\(digits.prefix(40))'"))
        default:
            problems.append(.init(name: field, reason: "expected RFC 3339 or epoch milliseconds"))
        }
        return nil
    }

    private static func invalid(_ problems: [ProblemDetails.InvalidParameter]) -> ProblemDetails {
        ProblemDetails(
            status: .badRequest,
            detail: problems.count == 1 ? "1 field is invalid" : "\(problems.count) fields are invalid",
            invalidParams: problems
        )
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
