import BallastCore
import BallastService
import Foundation
import Testing

@testable import Ingest

@Suite("Parsing webhook signals")
struct SignalParserTests {
    static func parse(_ json: String) throws(ProblemDetails) -> SignalInput {
        // Test inputs are valid JSON; the parser under test is the signal parser.
        try SignalParser.parse(try! JSONValue(parsing: Array(json.utf8)))
    }

    @Test("a TradingView alert: prefixed ticker, lowercase action, numbers as strings, epoch ms")
    func tradingView() throws {
        let parsed = try Self.parse(
            #"{"ticker":"BINANCE:btcusdt","action":"buy","size":"0.015","price":"97000.12345678","note":"x","timestamp":1764064800123,"secret":"s3cret","strategy":"ema-cross"}"#
        )
        let signal = parsed
        #expect(signal.exchange == "BINANCE")
        #expect(signal.symbol == "BTCUSDT")
        #expect(signal.action == .buy)
        #expect(signal.quantity == Decimal(string: "0.015"))
        #expect(signal.price == Decimal(string: "97000.12345678"))
        #expect(signal.orderType == .market)
        #expect(signal.timestamp == Date(timeIntervalSince1970: 1_764_064_800.123))
        #expect(signal.strategy == "ema-cross")
        #expect(signal.extra.allSatisfy { $0.key != "secret" }, "the secret is the controller's, not the signal's")
        #expect(signal.extra.map(\.key) == ["note"])
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
        let signal = try Self.parse(json)
        #expect(signal.symbol == symbol)
        #expect(signal.action == action)
    }

    @Test("a limit order with stops parses exactly")
    func limitOrder() throws {
        let signal = try Self.parse(
            #"{"symbol":"BTC-USD","action":"buy","orderType":"limit","price":96500.5,"stopLoss":"95000","takeProfit":99000.25,"quantity":0.1}"#
        )
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

    @Test(
        "a ticker made of separators is a 400 naming the field, not a crash",
        arguments: [":", "a:", ":b", "::", "a::b", "a:b:c", " : ", "\u{3000}:\u{3000}", "BINANCE:", ":BTCUSDT", "é:ü", "BTC\u{301}:USD"]
    )
    func separatorTicker(ticker: String) {
        let json = #"{"secret":"s","ticker":\#(JSONValue.quoted(ticker)),"action":"buy"}"#
        do {
            let parsed = try Self.parse(json)
            Issue.record("expected a 400 for ticker '\(ticker)', got symbol '\(parsed.symbol)'")
        } catch {
            #expect(error.status == 400)
            #expect(error.invalidParams?.map(\.name) == ["ticker"])
        }
    }

    static let receipt = Date(timeIntervalSince1970: 1_764_064_800)

    static func parse(_ json: String, at now: Date) throws(ProblemDetails) -> SignalInput {
        try SignalParser.parse(try! JSONValue(parsing: Array(json.utf8)), now: now)
    }

    @Test("time in force, expiry and trailing stop parse exactly; time in force in any case, stored lower-cased")
    func orderFields() throws {
        let signal = try Self.parse(
            #"{"symbol":"BTC-USD","action":"buy","orderType":"limit","price":"96500","timeInForce":"GTD","expiresAt":"2025-11-26T10:00:00.250Z","trailingStopPercent":"2.50"}"#,
            at: Self.receipt
        )
        #expect(signal.timeInForce == .gtd)
        #expect(signal.expiresAt == Date(timeIntervalSince1970: 1_764_151_200.25))
        #expect(signal.trailingStopPercent == Decimal(string: "2.5"))
        #expect(signal.extra.isEmpty)
        let source = SignalSource(id: UUID(), userID: UUID(), name: "n", secret: Secret("s"), isDefault: false)
        let document = SignalDocument(id: UUID(), source: source, signal: signal, receivedAt: Self.receipt)
        #expect(document.timeInForce == "gtd")
        #expect(document.expiresAt == signal.expiresAt)
        #expect(document.trailingStopPercent == "2.5")

        let other = try Self.parse(
            #"{"symbol":"BTC-USD","action":"buy","timeInForce":"Ioc","trailingStopPercent":0.00000001}"#, at: Self.receipt
        )
        #expect(other.timeInForce == .ioc)
        #expect(other.expiresAt == nil)
        #expect(other.trailingStopPercent == Decimal(string: "0.00000001"))
        let high = try Self.parse(#"{"symbol":"BTC-USD","action":"buy","trailingStopPercent":99.99}"#)
        #expect(high.trailingStopPercent == Decimal(string: "99.99"))
        for value in ["gtc", "DAY"] {
            let parsed = try Self.parse(#"{"symbol":"BTC-USD","action":"buy","timeInForce":"\#(value)"}"#)
            #expect(parsed.timeInForce?.rawValue == value.lowercased())
        }
    }

    @Test(
        "bad order fields are reported by name",
        arguments: [
            (#""timeInForce":"fok""#, "timeInForce", "'fok' is not one of gtc, ioc, day, gtd"),
            (#""timeInForce":7"#, "timeInForce", "'7' is not one of gtc, ioc, day, gtd"),
            (#""timeInForce":"gtd""#, "expiresAt", "is required when timeInForce is gtd"),
            (#""timeInForce":"gtd","expiresAt":"2025-11-25T09:59:59Z""#, "expiresAt", "must be in the future"),
            (#""timeInForce":"gtd","expiresAt":"2025-11-25T10:00:00Z""#, "expiresAt", "must be in the future"),
            (#""timeInForce":"gtd","expiresAt":"tomorrow""#, "expiresAt", "expected an RFC 3339 timestamp, got 'tomorrow'"),
            (#""timeInForce":"gtd","expiresAt":1764151200000"#, "expiresAt", "expected an RFC 3339 timestamp, got '1764151200000'"),
            (#""expiresAt":"2025-11-26T10:00:00Z""#, "expiresAt", "is accepted only with timeInForce gtd"),
            (#""timeInForce":"gtc","expiresAt":"2025-11-26T10:00:00Z""#, "expiresAt", "is accepted only with timeInForce gtd"),
            (#""trailingStopPercent":0"#, "trailingStopPercent", "must be greater than 0"),
            (#""trailingStopPercent":"-1""#, "trailingStopPercent", "must be greater than 0"),
            (#""trailingStopPercent":100"#, "trailingStopPercent", "must be less than 100"),
            (#""trailingStopPercent":"100.0""#, "trailingStopPercent", "must be less than 100"),
            (#""trailingStopPercent":"abc""#, "trailingStopPercent", "'abc' is not a decimal number"),
            (#""trailingStopPercent":true"#, "trailingStopPercent", "must be a number"),
        ]
    )
    func invalidOrderFields(fields: String, name: String, reason: String) {
        let json = #"{"symbol":"BTC-USD","action":"buy",\#(fields)}"#
        do {
            _ = try Self.parse(json, at: Self.receipt)
            Issue.record("expected a 400 for \(json)")
        } catch {
            #expect(error.status == 400)
            #expect(error.invalidParams?.map(\.name) == [name])
            #expect(error.invalidParams?.map(\.reason) == [reason])
        }
    }

    @Test("a bad time in force is reported once, not also as an expiry without gtd")
    func badTimeInForceWithExpiry() {
        do {
            _ = try Self.parse(
                #"{"symbol":"BTC-USD","action":"buy","timeInForce":"gdt","expiresAt":"2025-11-26T10:00:00Z"}"#, at: Self.receipt
            )
            Issue.record("expected a 400")
        } catch {
            #expect(error.invalidParams?.map(\.name) == ["timeInForce"])
        }
    }

    @Test("the order fields are part of the fingerprint; without them it is the one signals had before them")
    func orderFieldsFingerprint() throws {
        let plain = try Self.parse(#"{"symbol":"BTC-USD","action":"buy","quantity":"1"}"#, at: Self.receipt)
        #expect(plain.fingerprint == "|BTC-USD|buy||1||market||||||")
        let variants = [
            #""timeInForce":"ioc""#, #""timeInForce":"gtc""#, #""timeInForce":"gtd","expiresAt":"2025-11-26T10:00:00Z""#,
            #""timeInForce":"gtd","expiresAt":"2025-11-26T10:00:01Z""#, #""trailingStopPercent":"1""#, #""trailingStopPercent":"2""#,
        ]
        let fingerprints = try variants.map { fields in
            try Self.parse(#"{"symbol":"BTC-USD","action":"buy","quantity":"1",\#(fields)}"#, at: Self.receipt).fingerprint
        }
        #expect(Set(fingerprints + [plain.fingerprint]).count == variants.count + 1)
        let same = try Self.parse(
            #"{"symbol":"BTC-USD","action":"buy","quantity":"1","timeInForce":"IOC","trailingStopPercent":1.0}"#, at: Self.receipt
        )
        let again = try Self.parse(
            #"{"symbol":"BTC-USD","action":"buy","quantity":"1","timeInForce":"ioc","trailingStopPercent":"1"}"#, at: Self.receipt
        )
        #expect(same.fingerprint == again.fingerprint)
    }

    @Test("the fingerprint ignores the client id, timestamp and secret, but not the trading content")
    func fingerprint() throws {
        let a = try Self.parse(#"{"symbol":"BTC-USD","action":"buy","quantity":"1.0","id":"a","secret":"x","timestamp":1}"#)
        let b = try Self.parse(#"{"symbol":"btc-usd","action":"BUY","quantity":1,"id":"b","timestamp":2}"#)
        let c = try Self.parse(#"{"symbol":"BTC-USD","action":"buy","quantity":2}"#)
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.fingerprint != c.fingerprint)
    }
}
