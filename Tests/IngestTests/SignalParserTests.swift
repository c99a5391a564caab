import BallastCore
import BallastService
import Foundation
import Testing

@testable import Ingest

@Suite("Parsing webhook signals")
struct SignalParserTests {
    static func parse(_ json: String) throws(ProblemDetails) -> SignalParser.Parsed {
        // Test inputs are valid JSON; the parser under test is the signal parser.
        try SignalParser.parse(try! JSONValue(parsing: Array(json.utf8)))
    }

    @Test("a TradingView alert: prefixed ticker, lowercase action, numbers as strings, epoch ms")
    func tradingView() throws {
        let parsed = try Self.parse(
            #"{"ticker":"BINANCE:btcusdt","action":"buy","size":"0.015","price":"97000.12345678","time":"x","timestamp":1764064800123,"secret":"s3cret","strategy":"ema-cross"}"#
        )
        let signal = parsed.signal
        #expect(signal.exchange == "BINANCE")
        #expect(signal.symbol == "BTCUSDT")
        #expect(signal.action == .buy)
        #expect(signal.quantity == Decimal(string: "0.015"))
        #expect(signal.price == Decimal(string: "97000.12345678"))
        #expect(signal.orderType == .market)
        #expect(signal.timestamp == Date(timeIntervalSince1970: 1_764_064_800.123))
        #expect(signal.strategy == "ema-cross")
        #expect(parsed.secret == "s3cret")
        #expect(signal.extra.map(\.key) == ["time"])
    }

    @Test(
        "field forms",
        arguments: [
            (#"{"symbol":"ETH-USD","action":"SELL","quantity":2}"#, "ETH-USD", SignalInput.Action.sell),
            (#"{"symbol":"ETH-USD","action":"Buy","direction":"CALL","strike":"3500","expiration":"2026-12-18"}"#, "ETH-USD", .buy),
            (#"{"ticker":"AAPL","action":"sell","direction":"short","timestamp":"2026-11-25T10:00:00Z"}"#, "AAPL", .sell),
        ]
    )
    func forms(json: String, symbol: String, action: SignalInput.Action) throws {
        let signal = try Self.parse(json).signal
        #expect(signal.symbol == symbol)
        #expect(signal.action == action)
    }

    @Test("a limit order with stops parses exactly")
    func limitOrder() throws {
        let signal = try Self.parse(
            #"{"symbol":"BTC-USD","action":"buy","orderType":"limit","price":96500.5,"stopLoss":"95000","takeProfit":99000.25,"quantity":0.1}"#
        ).signal
        #expect(signal.orderType == .limit)
        #expect(signal.price == Decimal(string: "96500.5"))
        #expect(signal.stopLoss == 95000)
        #expect(signal.takeProfit == Decimal(string: "99000.25"))
    }

    @Test(
        "every bad field is reported by name",
        arguments: [
            (#"{"action":"buy"}"#, ["symbol"]),
            (#"{"symbol":"BTC-USD"}"#, ["action"]),
            (#"{"symbol":"BTC-USD","action":"hold"}"#, ["action"]),
            (#"{"symbol":"BTC-USD","action":"buy","quantity":"-1","price":"abc"}"#, ["quantity", "price"]),
            (#"{"symbol":"BTC-USD","action":"buy","orderType":"limit"}"#, ["price"]),
            (#"{"symbol":"BTC USD","action":"buy","timestamp":"yesterday"}"#, ["symbol", "timestamp"]),
            (#"{"symbol":"BTC-USD","action":"buy","quantity":true}"#, ["quantity"]),
            (#"[1,2]"#, ["body"]),
        ]
    )
    func invalid(json: String, fields: [String]) {
        do {
            _ = try Self.parse(json)
            Issue.record("expected a 400 for \(json)")
        } catch {
            #expect(error.status == 400)
            #expect(Set(error.invalidParams?.map(\.name) ?? []) == Set(fields))
        }
    }

    @Test("the fingerprint ignores the client id, timestamp and secret, but not the trading content")
    func fingerprint() throws {
        let a = try Self.parse(#"{"symbol":"BTC-USD","action":"buy","quantity":"1.0","id":"a","secret":"x","timestamp":1}"#).signal
        let b = try Self.parse(#"{"symbol":"btc-usd","action":"BUY","quantity":1,"id":"b","timestamp":2}"#).signal
        let c = try Self.parse(#"{"symbol":"BTC-USD","action":"buy","quantity":2}"#).signal
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.fingerprint != c.fingerprint)
    }
}
