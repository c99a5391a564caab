import BallastCore
import BallastMarket
import Foundation
import Testing

@Suite("Trade ids")
struct TradeIDTests {
    @Test(
        "ids order by length, then byte by byte",
        arguments: [
            ("9", "10"), ("99", "100"), ("1234", "1235"), ("0", "1"),
            // Beyond Int64: still numeric order.
            ("9223372036854775807", "9223372036854775808"), ("9223372036854775808", "10000000000000000000"),
            // Leading zeros make an id longer: it is text, not the number.
            ("10", "007"),
            ("TQK7X2-ABCDE-ZZZ9Q0", "TQK7X2-ABCDE-ZZZ9Q1"), ("TQK7X2-ABCDE-ZZZ9Q1", "TQK7X3-ABCDE-AAAAA0"),
            ("550e8400-e29b-41d4-a716-446655440000", "550e8400-e29b-41d4-a716-446655440001"),
            ("123", "ABC"), ("ABC", "abc"), ("Z", "AA"),
        ]
    )
    func order(lower: String, higher: String) throws {
        let low = try TradeID(lower)
        let high = try TradeID(higher)
        #expect(low < high)
        #expect(!(high < low))
        #expect(low != high)
    }

    @Test("digit ids without leading zeros keep their numeric order, whatever their length")
    func numericOrder() throws {
        var generator = SplitMix64(seed: 3)
        let numbers = (0..<2_000).map { _ in generator.next() >> (generator.next() % 64) }
        let ids = try numbers.map { try TradeID(String($0)) }
        #expect(ids.sorted().map(\.description) == numbers.sorted().map { String($0) })
        let large = ["18446744073709551615", "9223372036854775808", "99999999999999999999", "100000000000000000000", "5"]
        #expect(try large.map { try TradeID($0) }.sorted().map(\.description) == large.sorted { ($0.count, $0) < ($1.count, $1) })
    }

    @Test("a trade's stamp orders by time first, then by id")
    func stamps() throws {
        let kraken = try TradeID("TQK7X2-ABCDE-ZZZ9Q1")
        #expect(TradeStamp(time: 1, id: kraken) < TradeStamp(time: 2, id: 1))
        #expect(TradeStamp(time: 2, id: 9) < TradeStamp(time: 2, id: 10))
        #expect(TradeStamp(time: 2, id: 10) < TradeStamp(time: 2, id: kraken))
    }

    @Test(
        "ids are 1 to 64 visible ASCII characters",
        arguments: [
            ("", "the trade id is empty"),
            (String(repeating: "x", count: 65), "the trade id is longer than 64 characters"),
            ("a b", "the trade id may hold only visible ASCII characters (! through ~), but character 2 is U+0020"),
            ("tab\t", "the trade id may hold only visible ASCII characters (! through ~), but character 4 is U+0009"),
            ("\u{0}", "the trade id may hold only visible ASCII characters (! through ~), but character 1 is U+0000"),
            ("caf\u{E9}", "the trade id may hold only visible ASCII characters (! through ~), but character 4 is U+00E9"),
            ("\u{7F}", "the trade id may hold only visible ASCII characters (! through ~), but character 1 is U+007F"),
        ]
    )
    func refused(text: String, reason: String) {
        #expect {
            try TradeID(text)
        } throws: { error in
            (error as? TradeError)?.description == reason
        }
    }

    @Test("the edges of what is accepted", arguments: ["0", "-1", "!", "~", String(repeating: "~", count: 64), "a\"b", "x,y"])
    func accepted(text: String) throws {
        #expect(try TradeID(text).description == text)
    }

    @Test(
        "JSON: a number when digit-only without leading zeros and within Int64, a string otherwise",
        arguments: [
            ("0", "0"), ("81234", "81234"), ("9223372036854775807", "9223372036854775807"),
            ("9223372036854775808", "\"9223372036854775808\""), ("007", "\"007\""), ("-1", "\"-1\""),
            ("TQK7X2-ABCDE-ZZZ9Q1", "\"TQK7X2-ABCDE-ZZZ9Q1\""), ("a\"b\\c", "\"a\\\"b\\\\c\""),
        ]
    )
    func json(text: String, expected: String) throws {
        let id = try TradeID(text)
        var written = ""
        id.writeJSON(to: &written)
        #expect(written == expected)
        #expect(String(decoding: try JSONEncoder().encode(id), as: UTF8.self) == expected)
        #expect(try JSONDecoder().decode(TradeID.self, from: Data(expected.utf8)) == id)
        #expect(id.jsonNumber == Int64(expected))
    }

    @Test("trade messages carry the id as a number or a string, and read it back")
    func messages() throws {
        for text in ["81234", "TQK7X2-ABCDE-ZZZ9Q1", "0123", "550e8400-e29b-41d4-a716-446655440000"] {
            let trade = try Trade(
                symbol: "BTC-USD", price: FixedDecimal("97000.5")!, quantity: FixedDecimal("0.01")!, side: .buy, id: TradeID(text),
                time: 1_764_064_800_123)
            let envelope = TradeMessage.envelope(for: trade)
            let expectedID = trade.id.jsonNumber.map { String($0) } ?? "\"\(text)\""
            #expect(envelope.data.contains("\"tradeId\":\(expectedID),"))
            #expect(try TradeMessage.trade(from: envelope) == trade)
        }
    }

    @Test(
        "a message's tradeId: a string id, or a non-negative integer",
        arguments: [
            ("\"81234\"", "81234"), ("81234", "81234"), ("\"T-1\"", "T-1"), ("\"-1\"", "-1"), ("\"0123\"", "0123"),
            ("18446744073709551616", "18446744073709551616"),
            ("-1", "! tradeId as a number must be a non-negative integer; send other ids as strings"),
            ("1.5", "! tradeId as a number must be a non-negative integer; send other ids as strings"),
            ("1e3", "! tradeId as a number must be a non-negative integer; send other ids as strings"),
            ("\"\"", "! tradeId: the trade id is empty"),
            ("\"a b\"", "! tradeId: the trade id may hold only visible ASCII characters (! through ~), but character 2 is U+0020"),
            ("null", "! tradeId is missing or neither a string nor a number"),
            ("[1]", "! tradeId is missing or neither a string nor a number"),
        ]
    )
    func messageIDs(json: String, expected: String) {
        let data = """
            {"symbol":"BTC-USD","price":"1","quantity":"1","side":"buy","tradeId":\(json),"ts":1764064800123}
            """
        do {
            let trade = try TradeMessage.trade(from: Envelope(type: TradeMessage.type, data: data))
            #expect(trade.id.description == expected)
        } catch {
            #expect("! \(error)" == expected)
        }
    }

    @Test("a ticker writes ids the same way")
    func tickerIDs() throws {
        var window = TickerWindow(symbol: "XBT-USD")
        let minute: Int64 = 1_764_064_800_000
        for (offset, id) in ["TQK7X2-ABCDE-ZZZ9Q1", "TQK7X2-ABCDE-ZZZ9Q2"].enumerated() {
            let trade = try Trade(
                symbol: "XBT-USD", price: FixedDecimal("100")!, quantity: FixedDecimal("1")!, side: .sell, id: TradeID(id),
                time: minute + Int64(offset))
            window.apply(Candle(interval: .oneMinute, trade: trade))
        }
        let ticker = try #require(window.ticker(at: minute + 1_000))
        let json = String(decoding: try JSONEncoder().encode(ticker), as: UTF8.self)
        #expect(json.contains("\"firstId\":\"TQK7X2-ABCDE-ZZZ9Q1\""))
        #expect(json.contains("\"lastId\":\"TQK7X2-ABCDE-ZZZ9Q2\""))
        #expect(try JSONDecoder().decode(Ticker.self, from: Data(json.utf8)) == ticker)
    }
}
