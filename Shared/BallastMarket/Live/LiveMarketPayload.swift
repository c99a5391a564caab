import BallastCore

/// The JSON payloads of the live market streams, in Binance's WebSocket format, written by hand: every decimal is exact
/// text (never a `Double`), trade ids are numbers or strings as `TradeID` writes them, and a batch's frames cost no
/// encoder. Each payload is a complete frame, as a subscriber of `<symbol>@<field>` receives it.
public enum LiveMarketPayload {
    /// `<symbol>@trade`: `m` is true when the buyer is the maker, that is when the taker sold.
    public static func trade(_ trade: Trade, eventTime: Int64) -> String {
        var json = #"{"e":"trade","E":"#
        // One allocation: a frame is about 130 bytes with a numbered id.
        json.reserveCapacity(160 + trade.symbol.utf8.count)
        json += String(eventTime)
        json += #","s":"#
        JSONValue.writeQuoted(trade.symbol, to: &json)
        json += #","t":"#
        trade.id.writeJSON(to: &json)
        json += #","p":""#
        json += trade.price.description
        json += #"","q":""#
        json += trade.quantity.description
        json += #"","T":"#
        json += String(trade.time)
        json += #","m":"#
        json += trade.side == .sell ? "true" : "false"
        json += #","M":true}"#
        return json
    }

    /// `<symbol>@kline_<interval>`: the candle's whole stored state. `f` and `L` are -1 for a flat candle, as Binance
    /// writes a kline without trades; `x` says whether the candle has ended.
    public static func kline(_ candle: LiveCandle, eventTime: Int64, isClosed: Bool) -> String {
        var json = #"{"e":"kline","E":"#
        json.reserveCapacity(320)
        json += String(eventTime)
        json += #","s":"#
        JSONValue.writeQuoted(candle.symbol, to: &json)
        json += #","k":{"t":"#
        json += String(candle.openTime)
        json += #","T":"#
        json += String(candle.closeTime)
        json += #","s":"#
        JSONValue.writeQuoted(candle.symbol, to: &json)
        json += #","i":""#
        json += candle.interval.rawValue
        json += #"","f":"#
        writeTradeID(candle.isFlat ? nil : candle.firstTradeID, to: &json)
        json += #","L":"#
        writeTradeID(candle.isFlat ? nil : candle.lastTradeID, to: &json)
        json += #","o":"#
        JSONValue.writeQuoted(candle.open, to: &json)
        json += #","c":"#
        JSONValue.writeQuoted(candle.close, to: &json)
        json += #","h":"#
        JSONValue.writeQuoted(candle.high, to: &json)
        json += #","l":"#
        JSONValue.writeQuoted(candle.low, to: &json)
        json += #","v":"#
        JSONValue.writeQuoted(candle.volume, to: &json)
        json += #","n":"#
        json += String(candle.tradeCount)
        json += #","x":"#
        json += isClosed ? "true" : "false"
        json += #","q":"#
        JSONValue.writeQuoted(candle.quoteVolume, to: &json)
        json += "}}"
        return json
    }

    /// `<symbol>@ticker`: Binance's `24hrTicker` without the order book's best bid and ask (Ballast has no book).
    public static func ticker(_ ticker: Ticker, eventTime: Int64) -> String {
        var json = #"{"e":"24hrTicker","E":"#
        json += String(eventTime)
        json += #","s":"#
        JSONValue.writeQuoted(ticker.symbol, to: &json)
        appendDecimal("p", ticker.priceChange.description, to: &json)
        appendDecimal("P", ticker.priceChangePercent.description, to: &json)
        appendDecimal("w", ticker.weightedAvgPrice.description, to: &json)
        appendDecimal("x", ticker.prevClosePrice.description, to: &json)
        appendDecimal("c", ticker.lastPrice.description, to: &json)
        appendDecimal("Q", ticker.lastQty.description, to: &json)
        appendDecimal("o", ticker.openPrice.description, to: &json)
        appendDecimal("h", ticker.highPrice.description, to: &json)
        appendDecimal("l", ticker.lowPrice.description, to: &json)
        appendDecimal("v", ticker.volume.description, to: &json)
        appendDecimal("q", ticker.quoteVolume.description, to: &json)
        json += #","O":"#
        json += String(ticker.openTime)
        json += #","C":"#
        json += String(ticker.closeTime)
        json += #","F":"#
        ticker.firstID.writeJSON(to: &json)
        json += #","L":"#
        ticker.lastID.writeJSON(to: &json)
        json += #","n":"#
        json += String(ticker.count)
        json += "}"
        return json
    }

    /// `<symbol>@miniTicker`: Binance's `24hrMiniTicker`.
    public static func miniTicker(_ ticker: Ticker, eventTime: Int64) -> String {
        var json = #"{"e":"24hrMiniTicker","E":"#
        json += String(eventTime)
        json += #","s":"#
        JSONValue.writeQuoted(ticker.symbol, to: &json)
        appendDecimal("c", ticker.lastPrice.description, to: &json)
        appendDecimal("o", ticker.openPrice.description, to: &json)
        appendDecimal("h", ticker.highPrice.description, to: &json)
        appendDecimal("l", ticker.lowPrice.description, to: &json)
        appendDecimal("v", ticker.volume.description, to: &json)
        appendDecimal("q", ticker.quoteVolume.description, to: &json)
        json += "}"
        return json
    }

    /// `,"name":"text"` for a decimal written by this module (digits, a point and a sign: nothing to escape).
    private static func appendDecimal(_ name: String, _ text: String, to json: inout String) {
        json += #",""#
        json += name
        json += #"":""#
        json += text
        json += "\""
    }

    /// A stored trade id as `TradeID` writes it (a number when it can be one), -1 when there is none.
    private static func writeTradeID(_ text: String?, to json: inout String) {
        guard let text else {
            json += "-1"
            return
        }
        if let id = try? TradeID(text) {
            id.writeJSON(to: &json)
        } else {
            JSONValue.writeQuoted(text, to: &json)
        }
    }
}
