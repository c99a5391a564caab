import BallastMarket
import Foundation
import Testing

/// Trade files as spreadsheets, Python's `csv` and venues write them (RFC 4180 and its usual variants).
@Suite("Trade files")
struct TradeCSVTests {
    /// Each line read: `<line> <trade id>` for a trade, `<line> ! <reason>` for a skipped line.
    static func read(_ text: String) throws -> [String] {
        try TradeFileReader.lines(of: text).map { line in
            switch line.trade {
            case .success(let trade): "\(line.number) \(trade.id)"
            case .failure(let error): "\(line.number) ! \(error)"
            }
        }
    }

    static let header = TradeCSV.header

    @Test(
        "every form of a file gives the same trades",
        arguments: [
            ("LF, a newline at the end", "\(header)\n1,BTC-USD,1,1,buy,7\n2,BTC-USD,1,1,sell,8\n"),
            ("LF, no newline at the end", "\(header)\n1,BTC-USD,1,1,buy,7\n2,BTC-USD,1,1,sell,8"),
            ("CRLF, as RFC 4180 writes it", "\(header)\r\n1,BTC-USD,1,1,buy,7\r\n2,BTC-USD,1,1,sell,8\r\n"),
            ("CRLF, no line ending at the end", "\(header)\r\n1,BTC-USD,1,1,buy,7\r\n2,BTC-USD,1,1,sell,8"),
            ("CRLF and LF mixed", "\(header)\r\n1,BTC-USD,1,1,buy,7\n2,BTC-USD,1,1,sell,8\r\n"),
            ("lone CR line endings", "\(header)\r1,BTC-USD,1,1,buy,7\r2,BTC-USD,1,1,sell,8\r"),
            ("a UTF-8 byte order mark", "\u{FEFF}\(header)\r\n1,BTC-USD,1,1,buy,7\r\n2,BTC-USD,1,1,sell,8\r\n"),
            ("blank lines at the end", "\(header)\n1,BTC-USD,1,1,buy,7\n2,BTC-USD,1,1,sell,8\n\n  \r\n\r\n"),
            (
                "every field quoted",
                "\"timestamp\",\"symbol\",\"price\",\"quantity\",\"side\",\"trade_id\"\r\n"
                    + "\"1\",\"BTC-USD\",\"1\",\"1\",\"buy\",\"7\"\r\n\"2\",\"BTC-USD\",\"1\",\"1\",\"sell\",\"8\"\r\n"
            ),
            ("spaces around fields and quotes", "\(header)\n 1 , BTC-USD,1 ,1,buy, \"7\" \n2,BTC-USD,1,1,sell,8\t\n"),
            (
                "columns in another order and case",
                "Trade_ID,SIDE,quantity,price,Symbol,timestamp\n7,buy,1,1,BTC-USD,1\n8,sell,1,1,BTC-USD,2\n"
            ),
            ("other columns ignored", "\(header),venue\n1,BTC-USD,1,1,buy,7,kraken\n2,BTC-USD,1,1,sell,8,\"a, b\"\n"),
        ]
    )
    func forms(name: String, text: String) throws {
        #expect(try Self.read(text) == ["2 7", "3 8"], "\(name)")
    }

    @Test("quoted fields hold commas, quotes and line breaks; ids are text")
    func quotedFields() throws {
        let text = [
            Self.header,
            "1,BTC-USD,1,1,buy,\"TQK7X2-ABCDE-ZZZ9Q1\"",
            "2,BTC-USD,1,1,buy,\"a,b\"",
            "3,BTC-USD,1,1,buy,\"say\"\"hi\"\"\"",
            "4,BTC-USD,1,1,buy,\"two",
            "lines\"",
            "5,BTC-USD,1,1,buy,0123",
            "6,BTC-USD,1,1,buy,550e8400-e29b-41d4-a716-446655440000",
            "",
        ].joined(separator: "\r\n")
        #expect(
            try Self.read(text) == [
                "2 TQK7X2-ABCDE-ZZZ9Q1", "3 a,b", "4 say\"hi\"",
                "5 ! the trade id may hold only visible ASCII characters (! through ~), but character 4 is U+000D",
                "7 0123", "8 550e8400-e29b-41d4-a716-446655440000",
            ])
    }

    @Test("bad lines are named by the line they start on, with the reason")
    func badLines() throws {
        let text = [
            Self.header,
            "1,BTC-USD,1,1,buy,A1",
            "1,BTC-USD,-1,1,buy,A2",
            "\"1\",\"BTC-USD\",\"1\",\"1\",\"buy\",\"multi",
            "line\"",
            "1,BTC-USD,1,1,buy",
            "1,BTC-USD,1,1,buy,\"x\"y",
            "1,BTC-USD,1,1,buy,a b",
            "1,BTC-USD,1,1,buy,\(String(repeating: "9", count: 65))",
            "1,BTC-USD,1,1,buy,",
            "soon,BTC-USD,1,1,buy,A3",
            "1,BTC-USD,1,1,buy,A4",
            "1,BTC-USD,1,1,buy,\"never closed\r\n2,BTC-USD,1,1,buy,A5",
        ].joined(separator: "\r\n")
        #expect(
            try Self.read(text) == [
                "2 A1",
                "3 ! the trade price must be positive, got -1",
                "4 ! the trade id may hold only visible ASCII characters (! through ~), but character 6 is U+000D",
                "6 ! expected 6 fields, got 5",
                "7 ! a character follows a closing quote",
                "8 ! the trade id may hold only visible ASCII characters (! through ~), but character 2 is U+0020",
                "9 ! the trade id is longer than 64 characters",
                "10 ! the trade id is empty",
                "11 ! timestamp 'soon' is neither epoch milliseconds nor RFC 3339",
                "12 A4",
                "13 ! unclosed quote in field 6: no closing quote before the end of the file",
                "14 A5",
            ])
    }

    @Test(
        "a file without the header is refused",
        arguments: [
            ("", "the file is empty"),
            ("\u{FEFF}", "the file is empty"),
            ("\r\n\r\n", "the file is empty"),
            ("1,BTC-USD,1,1,buy,7\n", "missing timestamp, symbol, price, quantity, side, trade_id"),
            ("timestamp,symbol,price,quantity,side\n", "missing trade_id"),
            ("timestamp,symbol,price,quantity,side,trade_id,Symbol\n", "column symbol appears twice"),
            (
                "timestamp,symbol,price,quantity,side,\"trade_id\n1,BTC-USD,1,1,buy,7\n",
                "unclosed quote in field 6: no closing quote before the end of the file"
            ),
        ]
    )
    func noHeader(text: String, detail: String) {
        #expect {
            try TradeFileReader.lines(of: text)
        } throws: { error in
            (error as? TradeCSVError)?.description
                == "the first line must be the header \(TradeCSV.header) (columns in any order): \(detail)"
        }
    }

    @Test("a file read in chunks of any size gives what it gives whole", arguments: [1, 2, 3, 5, 7, 64])
    func chunks(size: Int) throws {
        let text =
            "\u{FEFF}\(Self.header)\r\n1,BTC-USD,1,1,buy,\"a\r\nb\"\r\n2,BTC-USD,1,1,buy,\"x\"\"y\"\n3,BTC-USD,-1,1,buy,9\r\r\n"
            + "4,BTC-USD,1,1,sell,T-1"
        let bytes = Array(text.utf8)
        var reader = TradeFileReader()
        var lines: [TradeFileReader.Line] = []
        for start in stride(from: 0, to: bytes.count, by: size) {
            let chunk = Array(bytes[start..<min(start + size, bytes.count)])
            lines += try chunk.withUnsafeBytes { bytes in Result { () throws(TradeCSVError) in try reader.read(bytes) } }.get()
        }
        lines += try reader.finish()
        let whole = try TradeFileReader.lines(of: text)
        #expect(lines.map(\.number) == whole.map(\.number))
        #expect(lines.map { try? $0.trade.get() } == whole.map { try? $0.trade.get() })
        #expect(whole.map(\.number) == [2, 4, 5, 7])
    }

    @Test("the records themselves, as RFC 4180 defines them")
    func records() {
        var reader = CSVRecordReader()
        var records: [CSVRecordReader.Record] = []
        let text = "a,\"b,c\",\"d\"\"e\"\r\n\r\n,,\n\"f\ng\",h"
        Array(text.utf8).withUnsafeBytes { reader.read($0, into: &records) }
        reader.finish(into: &records)
        #expect(
            records == [
                CSVRecordReader.Record(fields: ["a", "b,c", "d\"e"], line: 1),
                CSVRecordReader.Record(fields: ["", "", ""], line: 3),
                CSVRecordReader.Record(fields: ["f\ng", "h"], line: 4),
            ])
    }
}
