import BallastCore
import BallastService
import BallastTrading
import Foundation
import Testing

@testable import Ingest

/// Option signals: what the chain can answer is checked when the webhook arrives, so a signal no chain could fill is a
/// 400 naming the field rather than a rejection after the 201.
@Suite("Parsing option signals: strike selection, expiration, volatility")
struct SignalParserOptionTests {
    /// Monday 2026-12-07 10:00 UTC.
    static let now = Date(timeIntervalSince1970: 1_796_637_600)

    static func problems(_ fields: String) -> [String] {
        let body = try! JSONValue(parsing: Array(#"{"ticker":"BTCUSD","action":"buy","direction":"call",\#(fields)}"#.utf8))
        do {
            _ = try SignalParser.parse(body, now: now)
            return []
        } catch {
            return (error.invalidParams ?? []).map(\.name)
        }
    }

    @Test(
        "what a chain can answer is accepted; what none can is a 400 naming the field",
        arguments: [
            (#""strikesAway":1"#, [String]()),
            (#""strikesAway":-3,"expiration":"+7d""#, []),
            (#""intrinsicValue":"otm","expiration":"2026-12-11""#, []),
            (#""strike":"95000","expiration":"2026-12-08T08:00:00Z","volatility":"0.7""#, []),
            (#""strikesAway":11"#, ["strikesAway"]),
            (#""strikesAway":-2,"intrinsicValue":"itm""#, ["strikesAway"]),
            (#""strikesAway":1,"strike":"95000""#, ["strike"]),
            (#""expiration":"2026-12-01""#, ["expiration"]),
            (#""expiration":"+400d""#, ["expiration"]),
            (#""expiration":"2026-12-16""#, ["expiration"]),
            (#""expiration":"soon""#, ["expiration"]),
            (#""volatility":0"#, ["volatility"]),
            (#""volatility":"11""#, ["volatility"]),
            (#""price":"100""#, ["price"]),
            (#""stopLoss":"90000""#, ["stopLoss"]),
        ])
    func chainRules(fields: String, expected: [String]) {
        #expect(Self.problems(fields) == expected, "\(fields)")
    }

    @Test("the bridges' strike selection is kept on the signal")
    func kept() throws {
        let json = #"{"ticker":"BTCUSD","action":"buy","optionType":"PUT","strikesAway":2,"intrinsicValue":"ITM","volatility":"0.55"}"#
        let body = try JSONValue(parsing: Array(json.utf8))
        let signal = try SignalParser.parse(body, now: Self.now)
        #expect(signal.direction == .put && signal.strikesAway == 2 && signal.intrinsicValue == .itm)
        #expect(signal.volatility == Decimal(string: "0.55"))
    }

    @Test("strike selection and volatility without call or put are refused by name")
    func notAnOption() throws {
        let body = try JSONValue(parsing: Array(#"{"ticker":"BTCUSD","action":"buy","strikesAway":1,"volatility":"0.5"}"#.utf8))
        #expect(throws: ProblemDetails.self) { try SignalParser.parse(body, now: Self.now) }
    }
}
