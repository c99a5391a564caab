import BallastCore
import BallastMarket
import Testing

/// A stray quote or an endless line costs one bad line, not the rest of the file: the reader holds at most
/// `CSVRecordReader.maximumRecordLength` bytes of a record and reads again from the line after the stray quote.
@Suite("Trade files with a stray quote or an overlong line")
struct TradeCSVResynchronisationTests {
    static let header = TradeCSV.header

    /// Ten trades, T1 to T10, on lines 2 to 11; the second (line 3) opens a quote it never closes.
    static func strayQuoteFile(separator: String, laterLinesQuoted: Bool = false) -> String {
        let lines = (1...10).map { index in
            if index == 2 { return "\(index),\"BTC-USD,1,1,buy,T\(index)" }
            if laterLinesQuoted { return "\"\(index)\",\"BTC-USD\",\"1\",\"1\",\"buy\",\"T\(index)\"" }
            return "\(index),BTC-USD,1,1,buy,T\(index)"
        }
        return ([header] + lines).joined(separator: separator) + separator
    }

    /// `<line> <trade id>` for each trade of the other nine lines, after line 3's `reason`.
    static func strayQuoteExpected(reason: String) -> [String] {
        ["2 T1", "3 ! \(reason)"] + (3...10).map { "\($0 + 1) T\($0)" }
    }

    static let endOfFile = "unclosed quote in field 2: no closing quote before the end of the file"

    @Test(
        "a stray quote on line 3 of 10 trades: line 3 is reported, the other 9 trades are read",
        arguments: [
            ("LF", strayQuoteFile(separator: "\n"), endOfFile),
            ("CRLF", strayQuoteFile(separator: "\r\n"), endOfFile),
            ("lone CR", strayQuoteFile(separator: "\r"), endOfFile),
            (
                "the later lines' fields quoted: the first later quote closes the stray one",
                strayQuoteFile(separator: "\r\n", laterLinesQuoted: true),
                "unclosed quote in field 2: the field runs onto the next lines, where a character follows a closing quote"
            ),
        ]
    )
    func strayQuoteOnLineThree(form: String, text: String, reason: String) throws {
        #expect(try TradeCSVTests.read(text) == Self.strayQuoteExpected(reason: reason), "\(form)")
    }

    @Test("a stray quote read in chunks of any size gives what it gives whole", arguments: [1, 2, 3, 7, 64])
    func strayQuoteInChunks(size: Int) throws {
        let bytes = Array(Self.strayQuoteFile(separator: "\r\n").utf8)
        var reader = TradeFileReader()
        var lines: [String] = []
        for start in stride(from: 0, to: bytes.count, by: size) {
            let chunk = Array(bytes[start..<min(start + size, bytes.count)])
            let read = try chunk.withUnsafeBytes { bytes in Result { () throws(TradeCSVError) in try reader.read(bytes) } }.get()
            lines += read.map(Self.describe)
        }
        lines += try reader.finish().map(Self.describe)
        #expect(lines == Self.strayQuoteExpected(reason: Self.endOfFile))
    }

    @Test("a stray quote in a long file: line 3 is reported once 64 KiB pass unclosed, and all 5,000 later trades are read")
    func strayQuoteInALongFile() throws {
        let later = (3...5_002).map { "\($0),BTC-USD,1,1,buy,T\($0)" }
        let text = ([Self.header, "1,BTC-USD,1,1,buy,T1", "2,\"BTC-USD,1,1,buy,T2"] + later).joined(separator: "\n") + "\n"
        let read = try TradeCSVTests.read(text)
        #expect(read.count == 5_002)
        #expect(read.prefix(3) == ["2 T1", "3 ! unclosed quote in field 2: no closing quote within 65536 bytes", "4 T3"])
        #expect(read.last == "5003 T5002")
        #expect(read.filter { $0.contains("!") }.count == 1)
    }

    @Test("a 1 MiB field: its line is reported as too long, at most 64 KiB of it is held, and the next line is read")
    func hugeField() {
        let huge = String(repeating: "9", count: 1 << 20)
        let text = "1,BTC-USD,1,1,buy,T1\n2,BTC-USD,1,1,buy,\(huge)\n3,BTC-USD,1,1,buy,T3\n"
        var reader = CSVRecordReader()
        var records: [CSVRecordReader.Record] = []
        Array(text.utf8).withUnsafeBytes { reader.read($0, into: &records) }
        reader.finish(into: &records)
        #expect(records.map(\.line) == [1, 2, 3])
        #expect(records.map(\.problem) == [nil, "the line is longer than 65536 bytes", nil])
        #expect(records[1].fields.reduce(0) { $0 + $1.utf8.count } <= CSVRecordReader.maximumRecordLength)
        #expect(records[2].fields == ["3", "BTC-USD", "1", "1", "buy", "T3"])
    }

    @Test("a 1 MiB quoted field on one line: reported as too long, and the next line is read")
    func hugeQuotedField() throws {
        let huge = String(repeating: "x", count: 1 << 20)
        let text = "\(Self.header)\n1,BTC-USD,1,1,buy,\"\(huge)\"\n2,BTC-USD,1,1,buy,T2\n"
        #expect(try TradeCSVTests.read(text) == ["2 ! the line is longer than 65536 bytes", "3 T2"])
    }

    @Test("a line of exactly 65536 bytes is read; one byte more is too long")
    func limit() throws {
        let prefix = "1,BTC-USD,1,1,buy,"
        let fits = prefix + String(repeating: " ", count: CSVRecordReader.maximumRecordLength - prefix.utf8.count - 2) + "T1"
        let tooLong = " " + fits
        let text = [Self.header, fits, tooLong, "2,BTC-USD,1,1,buy,T2"].joined(separator: "\n")
        #expect(try TradeCSVTests.read(text) == ["2 T1", "3 ! the line is longer than 65536 bytes", "4 T2"])
    }

    @Test("the records of stray quotes: the fields before each, the line it is on, the reason; then the next lines")
    func records() {
        var reader = CSVRecordReader()
        var records: [CSVRecordReader.Record] = []
        // The quote on line 3 first reads as closing the one on line 1; once line 1 is set aside, it opens a field.
        Array("a,\"b\nc,d\n\"e\nf".utf8).withUnsafeBytes { reader.read($0, into: &records) }
        reader.finish(into: &records)
        #expect(
            records == [
                CSVRecordReader.Record(
                    fields: ["a"], line: 1,
                    problem: "unclosed quote in field 2: the field runs onto the next lines, where a character follows a closing quote"),
                CSVRecordReader.Record(fields: ["c", "d"], line: 2),
                CSVRecordReader.Record(
                    fields: [], line: 3, problem: "unclosed quote in field 1: no closing quote before the end of the file"),
                CSVRecordReader.Record(fields: ["f"], line: 4),
            ])
    }

    @Test("any text of quotes, commas and line breaks gives the same records whole and byte by byte, on increasing lines")
    func chunkIndependence() {
        var generator = SplitMix64(seed: 7)
        let alphabet = Array("ab,\"\"\r\n ".utf8)
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...120, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            var whole = CSVRecordReader()
            var wholeRecords: [CSVRecordReader.Record] = []
            bytes.withUnsafeBytes { whole.read($0, into: &wholeRecords) }
            whole.finish(into: &wholeRecords)
            var bytewise = CSVRecordReader()
            var bytewiseRecords: [CSVRecordReader.Record] = []
            for byte in bytes { [byte].withUnsafeBytes { bytewise.read($0, into: &bytewiseRecords) } }
            bytewise.finish(into: &bytewiseRecords)
            let text = String(decoding: bytes, as: UTF8.self).debugDescription
            #expect(wholeRecords == bytewiseRecords, "\(text)")
            #expect(zip(wholeRecords, wholeRecords.dropFirst()).allSatisfy { $0.line < $1.line }, "\(text)")
        }
    }

    static func describe(_ line: TradeFileReader.Line) -> String {
        switch line.trade {
        case .success(let trade): "\(line.number) \(trade.id)"
        case .failure(let error): "\(line.number) ! \(error)"
        }
    }
}
