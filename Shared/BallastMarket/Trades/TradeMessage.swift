import BallastCore
import BallastRedis
import Foundation

/// A market trade on `ballast:trades`: an envelope of type `market.trade` whose `data` is
///
/// ```json
/// {"symbol":"BTC-USD","price":"97000.5","quantity":"0.012","side":"buy","tradeId":81234,"ts":"2026-11-25T10:00:00.123Z"}
/// ```
///
/// `price` and `quantity` as decimal strings or JSON numbers (read exactly, at most 8 decimals),
/// `tradeId` the venue's id as a string (1 to 64 visible ASCII characters, see `TradeID`) or a non-negative JSON
/// integer, `ts` RFC 3339 or epoch milliseconds. An id written out is a JSON number when it is digit-only without leading
/// zeros and fits an `Int64`, a string otherwise (`TradeID.writeJSON(to:)`).
public enum TradeMessage {
    public static let type = "market.trade"

    /// The trade in `envelope`; `UnprocessableMessage` says why there is none (the consumer dead-letters it).
    public static func trade(from envelope: Envelope) throws(UnprocessableMessage) -> Trade {
        guard envelope.type == type else { throw UnprocessableMessage("expected type '\(type)', got '\(envelope.type)'") }
        let data: JSONValue
        do {
            data = try JSONValue(parsing: envelope.data.utf8)
        } catch {
            throw UnprocessableMessage("data is not JSON: \(error)")
        }
        func text(_ key: String) -> String? {
            switch data[key] {
            case .string(let value)?: value
            case .number(let value)?: value
            default: nil
            }
        }
        guard let symbolText = text("symbol"), let symbol = MarketSymbol.normalized(symbolText) else {
            throw UnprocessableMessage("symbol is missing or not a symbol")
        }
        guard let price = text("price").flatMap({ FixedDecimal($0) }) else {
            throw UnprocessableMessage("price is missing or not a decimal with at most 8 decimals")
        }
        guard let quantity = text("quantity").flatMap({ FixedDecimal($0) }) else {
            throw UnprocessableMessage("quantity is missing or not a decimal with at most 8 decimals")
        }
        guard let side = text("side").flatMap({ TradeSide(rawValue: $0.lowercased()) }) else {
            throw UnprocessableMessage("side must be 'buy' or 'sell'")
        }
        let id = try tradeID(data["tradeId"])
        guard let time = text("ts").flatMap(epochMilliseconds) else {
            throw UnprocessableMessage("ts is missing or neither RFC 3339 nor epoch milliseconds")
        }
        do {
            return try Trade(symbol: symbol, price: price, quantity: quantity, side: side, id: id, time: time)
        } catch {
            throw UnprocessableMessage("\(error)")
        }
    }

    /// A string holding an id, or a JSON integer: a fraction, a sign or an exponent is no trade id.
    private static func tradeID(_ value: JSONValue?) throws(UnprocessableMessage) -> TradeID {
        switch value {
        case .string(let text)?:
            do {
                return try TradeID(text)
            } catch {
                throw UnprocessableMessage("tradeId: \(error)")
            }
        case .number(let text)?:
            guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let id = try? TradeID(text) else {
                throw UnprocessableMessage("tradeId as a number must be a non-negative integer; send other ids as strings")
            }
            return id
        default:
            throw UnprocessableMessage("tradeId is missing or neither a string nor a number")
        }
    }

    /// The envelope that publishes `trade`; its `ts` is the trade's time.
    public static func envelope(for trade: Trade) -> Envelope {
        var data = "{\"symbol\":"
        JSONValue.writeQuoted(trade.symbol, to: &data)
        data += ",\"price\":\"\(trade.price)\",\"quantity\":\"\(trade.quantity)\",\"side\":\"\(trade.side.rawValue)\""
        let timestamp = Date(epochMilliseconds: trade.time)
        data += ",\"tradeId\":"
        trade.id.writeJSON(to: &data)
        data += ",\"ts\":\"\(RFC3339.string(from: timestamp))\"}"
        return Envelope(type: type, timestamp: timestamp, data: data)
    }

    /// RFC 3339 or epoch milliseconds (as TradingView's `{{time}}` and most venues give it).
    public static func epochMilliseconds(_ text: String) -> Int64? {
        if let milliseconds = Int64(text) { return milliseconds }
        guard let date = RFC3339.date(from: text) else { return nil }
        return date.epochMilliseconds
    }
}
