import BallastCore
import BallastMarket
import Foundation

/// One frame of Kraken's WebSocket v2, as far as the trade feed cares: the `trade`, `heartbeat` and `status`
/// channels and the answers to its requests. Parsing never traps: a frame that is not v2 is refused with the reason.
public enum KrakenTradeFeedMessage: Sendable, Equatable {
    /// The `trade` channel: the recent trades sent after a subscribe with `snapshot`, or new ones.
    case trades([KrakenWebSocketTrade], isSnapshot: Bool)
    /// Sent about once a second when nothing else is: the connection is alive.
    case heartbeat
    /// The `status` channel: the trading engine's state (`online`, `maintenance`, `cancel_only`, `post_only`).
    case status(system: String)
    /// A trade subscription acknowledged for `pair`.
    case subscribed(pair: String)
    case unsubscribed(pair: String)
    /// A request refused, with Kraken's error text and the pair when the answer names one.
    case refused(method: String, pair: String?, error: String)
    /// The answer to a `ping`.
    case pong
    /// Anything else v2 sends (another channel, another method's answer), named for the debug log.
    case other(String)

    /// Parses one text frame.
    public init(parsing text: String) throws(KrakenTradeFeedError) {
        let document: JSONValue
        do {
            document = try JSONValue(parsing: text.utf8)
        } catch {
            throw .malformedFrame("not JSON: \(error)")
        }
        guard case .object = document else { throw .malformedFrame("expected a JSON object") }
        if let channel = document["channel"] {
            guard case .string(let name) = channel else { throw .malformedFrame("channel is not a string") }
            self = try Self.channelMessage(name, document)
        } else if let method = document["method"] {
            guard case .string(let name) = method else { throw .malformedFrame("method is not a string") }
            self = try Self.answer(to: name, document)
        } else if case .string(let error)? = document["error"] {
            self = .refused(method: "", pair: nil, error: error)
        } else {
            throw .malformedFrame("neither a channel message nor an answer to a request")
        }
    }

    private static func channelMessage(_ channel: String, _ document: JSONValue) throws(KrakenTradeFeedError) -> Self {
        switch channel {
        case "heartbeat":
            return .heartbeat
        case "status":
            guard case .array(let data)? = document["data"], case .string(let system)? = data.first?["system"] else {
                throw .malformedFrame("status without data[0].system")
            }
            return .status(system: system)
        case "trade":
            let isSnapshot: Bool
            switch document["type"] {
            case .string("snapshot")?: isSnapshot = true
            case .string("update")?: isSnapshot = false
            default: throw .malformedFrame("trade message type must be 'snapshot' or 'update'")
            }
            guard case .array(let data)? = document["data"] else { throw .malformedFrame("trade message without a data array") }
            var trades: [KrakenWebSocketTrade] = []
            trades.reserveCapacity(data.count)
            for (index, item) in data.enumerated() {
                trades.append(try trade(item, at: index))
            }
            return .trades(trades, isSnapshot: isSnapshot)
        default:
            return .other("channel \(channel)")
        }
    }

    private static func answer(to method: String, _ document: JSONValue) throws(KrakenTradeFeedError) -> Self {
        if document["success"] == .bool(false) {
            let error: String
            if case .string(let text)? = document["error"] { error = text } else { error = "no reason given" }
            var pair: String?
            if case .string(let text)? = document["symbol"] { pair = text }
            return .refused(method: method, pair: pair, error: error)
        }
        switch method {
        case "subscribe", "unsubscribe":
            guard case .string(let channel)? = document["result"]?["channel"] else {
                throw .malformedFrame("\(method) answer without result.channel")
            }
            guard channel == "trade" else { return .other("\(method) \(channel)") }
            guard case .string(let pair)? = document["result"]?["symbol"] else {
                throw .malformedFrame("\(method) answer without result.symbol")
            }
            return method == "subscribe" ? .subscribed(pair: pair) : .unsubscribed(pair: pair)
        case "pong":
            return .pong
        default:
            return .other("method \(method)")
        }
    }

    /// Element `index` of a trade message's `data`.
    private static func trade(_ item: JSONValue, at index: Int) throws(KrakenTradeFeedError) -> KrakenWebSocketTrade {
        func fail(_ reason: String) -> KrakenTradeFeedError { .malformedFrame("trade data[\(index)]: \(reason)") }
        guard case .object = item else { throw fail("not an object") }
        guard case .string(let pair)? = item["symbol"], !pair.isEmpty else { throw fail("symbol is missing") }
        guard case .string(let sideText)? = item["side"], let side = TradeSide(rawValue: sideText) else {
            throw fail("side must be 'buy' or 'sell'")
        }
        guard let price = decimal(item["price"]) else { throw fail("price is missing or not an exact decimal number") }
        guard let quantity = decimal(item["qty"]) else { throw fail("qty is missing or not an exact decimal number") }
        guard case .number(let idText)? = item["trade_id"], idText.utf8.allSatisfy({ (48...57).contains($0) }),
            let tradeID = UInt64(idText)
        else { throw fail("trade_id must be a non-negative integer") }
        guard case .string(let timestamp)? = item["timestamp"], let time = epochMilliseconds(timestamp) else {
            throw fail("timestamp must be RFC 3339")
        }
        var orderType: String?
        if case .string(let text)? = item["ord_type"] { orderType = text }
        return KrakenWebSocketTrade(
            pair: pair, side: side, price: price, quantity: quantity, tradeID: tradeID, time: time, orderType: orderType)
    }

    /// A JSON number read exactly from its digits (a string holding one is taken too); nil for anything else, and
    /// for more significant digits than `Decimal` holds.
    private static func decimal(_ value: JSONValue?) -> Decimal? {
        switch value {
        case .number(let text)?, .string(let text)?: ExactDecimal.parse(text)
        default: nil
        }
    }

    /// Epoch milliseconds of an RFC 3339 time, fractions past the millisecond cut off (Kraken sends microseconds):
    /// a trade belongs to the millisecond, and so to the candle, in which it happened.
    static func epochMilliseconds(_ text: String) -> Int64? {
        guard let point = text.firstIndex(of: ".") else { return RFC3339.date(from: text)?.epochMilliseconds }
        let fraction = text[text.index(after: point)...]
        let digits = fraction.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return nil }
        let kept = text[...point] + digits.prefix(3) + fraction.dropFirst(digits.count)
        return RFC3339.date(from: String(kept))?.epochMilliseconds
    }
}
