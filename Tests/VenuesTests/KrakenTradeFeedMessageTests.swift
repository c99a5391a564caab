import BallastCore
import BallastMarket
import BallastVenues
import Foundation
import Testing

/// Kraken's WebSocket v2 frames as the trade feed reads them: one row per kind of frame, the documented examples first.
@Suite struct KrakenTradeFeedMessageTests {
    static func decimal(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }
    static func milliseconds(_ text: String) -> Int64 { RFC3339.date(from: text)!.epochMilliseconds }

    @Test(arguments: [
        (
            "the documented snapshot: numbers read exactly, microseconds cut to the millisecond",
            #"""
            {"channel":"trade","type":"snapshot","data":[
              {"symbol":"MATIC/USD","side":"buy","price":0.5147,"qty":6423.46326,"ord_type":"limit","trade_id":4665846,"timestamp":"2023-09-25T07:48:36.925533Z"},
              {"symbol":"MATIC/USD","side":"sell","price":0.5147,"qty":1136.19677815,"ord_type":"market","trade_id":4665847,"timestamp":"2023-09-25T07:49:36.925603Z"}]}
            """#,
            KrakenTradeFeedMessage.trades(
                [
                    KrakenWebSocketTrade(
                        pair: "MATIC/USD", side: .buy, price: decimal("0.5147"), quantity: decimal("6423.46326"), tradeID: 4_665_846,
                        time: milliseconds("2023-09-25T07:48:36.925Z"), orderType: "limit"),
                    KrakenWebSocketTrade(
                        pair: "MATIC/USD", side: .sell, price: decimal("0.5147"), quantity: decimal("1136.19677815"), tradeID: 4_665_847,
                        time: milliseconds("2023-09-25T07:49:36.925Z"), orderType: "market"),
                ], isSnapshot: true)
        ),
        (
            "an update; a time just before the minute stays in it",
            #"{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy","price":97000.5,"qty":0.012,"ord_type":"market","trade_id":81234,"timestamp":"2026-11-25T10:00:59.999900Z"}]}"#,
            .trades(
                [
                    KrakenWebSocketTrade(
                        pair: "BTC/USD", side: .buy, price: decimal("97000.5"), quantity: decimal("0.012"), tradeID: 81_234,
                        time: milliseconds("2026-11-25T10:00:59.999Z"), orderType: "market")
                ], isSnapshot: false)
        ),
        (
            "many decimals and an exponent kept exact",
            #"{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"sell","price":12345678.123456789012345678,"qty":1.5e-7,"trade_id":1,"timestamp":"2026-11-25T10:00:00Z"}]}"#,
            .trades(
                [
                    KrakenWebSocketTrade(
                        pair: "BTC/USD", side: .sell, price: decimal("12345678.123456789012345678"), quantity: decimal("0.00000015"),
                        tradeID: 1,
                        time: milliseconds("2026-11-25T10:00:00Z"))
                ], isSnapshot: false)
        ),
        ("an empty snapshot", #"{"channel":"trade","type":"snapshot","data":[]}"#, .trades([], isSnapshot: true)),
        ("heartbeat", #"{"channel":"heartbeat"}"#, .heartbeat),
        (
            "status, with a connection id beyond Int64",
            #"{"channel":"status","data":[{"api_version":"v2","connection_id":12393906104898154338,"system":"online","version":"2.0.0"}],"type":"update"}"#,
            .status(system: "online")
        ),
        (
            "subscribe acknowledged",
            #"{"method":"subscribe","result":{"channel":"trade","snapshot":true,"symbol":"BTC/USD"},"success":true,"time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z"}"#,
            .subscribed(pair: "BTC/USD")
        ),
        (
            "subscribe refused",
            #"{"error":"Currency pair not supported XBT/USD","method":"subscribe","success":false,"symbol":"XBT/USD","time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z"}"#,
            .refused(method: "subscribe", pair: "XBT/USD", error: "Currency pair not supported XBT/USD")
        ),
        (
            "unsubscribe acknowledged",
            #"{"method":"unsubscribe","result":{"channel":"trade","symbol":"BTC/USD"},"success":true}"#,
            .unsubscribed(pair: "BTC/USD")
        ),
        (
            "a malformed request answered", #"{"error":"Malformed request","method":"error","success":false}"#,
            .refused(method: "error", pair: nil, error: "Malformed request")
        ),
        ("an error naming no method", #"{"error":"Exceeded msg rate"}"#, .refused(method: "", pair: nil, error: "Exceeded msg rate")),
        (
            "pong", #"{"method":"pong","req_id":101,"time_in":"2023-09-24T14:10:23.799685Z","time_out":"2023-09-24T14:10:23.799703Z"}"#,
            .pong
        ),
        ("another channel", #"{"channel":"book","type":"update","data":[]}"#, .other("channel book")),
        (
            "another channel's acknowledgement",
            #"{"method":"subscribe","result":{"channel":"ticker","symbol":"BTC/USD"},"success":true}"#,
            .other("subscribe ticker")
        ),
    ])
    func parses(_ name: String, frame: String, expected: KrakenTradeFeedMessage) throws {
        #expect(try KrakenTradeFeedMessage(parsing: frame) == expected, "\(name)")
    }

    @Test(arguments: [
        ("", "not JSON"),
        ("{\"channel\":\"trade\"", "not JSON"),
        ("[1,2]", "expected a JSON object"),
        (#"{"foo":1}"#, "neither a channel message nor an answer"),
        (#"{"channel":7}"#, "channel is not a string"),
        (#"{"channel":"trade","type":"partial","data":[]}"#, "type must be 'snapshot' or 'update'"),
        (#"{"channel":"trade","type":"update","data":{}}"#, "without a data array"),
        (#"{"channel":"trade","type":"update","data":[7]}"#, "data[0]: not an object"),
        (
            #"{"channel":"trade","type":"update","data":[{"side":"buy","price":1,"qty":1,"trade_id":1,"timestamp":"2026-11-25T10:00:00Z"}]}"#,
            "data[0]: symbol is missing"
        ),
        (
            #"{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"hold","price":1,"qty":1,"trade_id":1,"timestamp":"2026-11-25T10:00:00Z"}]}"#,
            "side must be"
        ),
        (
            #"{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy","price":"abc","qty":1,"trade_id":1,"timestamp":"2026-11-25T10:00:00Z"}]}"#,
            "price is missing or not an exact decimal"
        ),
        (
            #"{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy","price":1,"qty":true,"trade_id":1,"timestamp":"2026-11-25T10:00:00Z"}]}"#,
            "qty is missing"
        ),
        (
            #"{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy","price":1,"qty":1,"trade_id":-5,"timestamp":"2026-11-25T10:00:00Z"}]}"#,
            "trade_id must be a non-negative integer"
        ),
        (
            #"{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy","price":1,"qty":1,"trade_id":1.5,"timestamp":"2026-11-25T10:00:00Z"}]}"#,
            "trade_id must be"
        ),
        (
            #"{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy","price":1,"qty":1,"trade_id":99999999999999999999999,"timestamp":"2026-11-25T10:00:00Z"}]}"#,
            "trade_id must be"
        ),
        (
            #"{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy","price":1,"qty":1,"trade_id":1,"timestamp":"yesterday"}]}"#,
            "timestamp must be RFC 3339"
        ),
        (
            #"{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy","price":1,"qty":1,"trade_id":1,"timestamp":1700000000000}]}"#,
            "timestamp must be RFC 3339"
        ),
        (#"{"channel":"status","data":[]}"#, "status without data[0].system"),
        (#"{"method":"subscribe","success":true,"result":{"channel":"trade"}}"#, "without result.symbol"),
        (String(repeating: "[", count: 100), "not JSON"),
    ])
    func refusesMalformedFrames(_ frame: String, reason: String) {
        #expect {
            try KrakenTradeFeedMessage(parsing: frame)
        } throws: { error in
            guard let error = error as? KrakenTradeFeedError, case .malformedFrame = error else { return false }
            return error.description.hasPrefix("malformed Kraken frame: ") && error.description.contains(reason)
        }
    }

    @Test("a trade becomes Ballast's trade message with the same digits and Kraken's trade_id as its id")
    func tradeMessage() throws {
        let frame = #"""
            {"channel":"trade","type":"update","data":[{"symbol":"ETH/USD","side":"sell","price":3012.34,"qty":1136.19677815,"ord_type":"limit","trade_id":4665847,"timestamp":"2026-11-25T10:00:00.123456Z"}]}
            """#
        guard case .trades(let trades, _) = try KrakenTradeFeedMessage(parsing: frame), let first = trades.first else {
            Issue.record("no trade")
            return
        }
        let trade = try first.trade(symbol: "ETH-USD")
        #expect("\(trade.price)" == "3012.34")
        #expect("\(trade.quantity)" == "1136.19677815")
        #expect(trade.id == TradeID(4_665_847))
        let envelope = TradeMessage.envelope(for: trade)
        #expect(
            envelope.data
                == #"{"symbol":"ETH-USD","price":"3012.34","quantity":"1136.19677815","side":"sell","tradeId":4665847,"ts":"2026-11-25T10:00:00.123Z"}"#
        )
        #expect(try TradeMessage.trade(from: envelope) == trade)
    }

    @Test(arguments: [
        ("0.123456789", "1", "price 0.123456789 has more than 8 decimal places"),
        ("1", "0.000000001", "quantity 0.000000001 has more than 8 decimal places"),
        ("1000000000000", "1", "price 1000000000000 has more than 8 decimal places or is out of range"),
        ("0", "1", "price must be positive"),
    ])
    func refusesTradesBallastCannotHold(price: String, quantity: String, reason: String) {
        let trade = KrakenWebSocketTrade(
            pair: "BTC/USD", side: .buy, price: Self.decimal(price), quantity: Self.decimal(quantity), tradeID: 9, time: 1_700_000_000_000)
        #expect {
            try trade.trade(symbol: "BTC-USD")
        } throws: { error in
            guard let error = error as? KrakenTradeFeedError, case .unrepresentableTrade = error else { return false }
            return error.description.contains("BTC/USD trade 9") && error.description.contains(reason)
        }
    }
}
