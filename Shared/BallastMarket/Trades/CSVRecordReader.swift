/// Splits CSV text into records as RFC 4180 describes it, from bytes that arrive in chunks of any size, so a file of
/// any length is read in constant memory. Accepted beyond the letter of the RFC, as spreadsheets and Python's `csv`
/// write files: lines ending in CRLF, LF or a lone CR, mixed in one file; a UTF-8 byte order mark before the first
/// record; no line ending after the last record; spaces before an opening or after a closing quote; a quote inside an
/// unquoted field, kept as a character. Empty lines are no records.
///
/// A quoted field holds commas, line breaks and quotes (written `""`) as data. Each record carries the physical line it
/// starts on, so a reader can name the line of a bad record even when fields before it span several lines.
public struct CSVRecordReader: Sendable {
    public struct Record: Sendable, Equatable {
        public var fields: [String]
        /// The physical line the record starts on, from 1.
        public var line: Int
        /// Why the record is malformed (its fields are then what could be read), or nil.
        public var problem: String?

        public init(fields: [String], line: Int, problem: String? = nil) {
            self.fields = fields
            self.line = line
            self.problem = problem
        }
    }

    private enum State {
        case unquoted
        case quoted
        /// A quote inside a quoted field: the second of `""`, or the closing quote.
        case quoteInQuoted
        case afterClosingQuote
    }

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    private var state = State.unquoted
    private var field: [UInt8] = []
    /// The unquoted field so far is only spaces and tabs: a quote now opens a quoted field.
    private var fieldIsBlank = true
    private var fields: [String] = []
    private var problem: String?
    /// The current record has a byte other than a line ending.
    private var inRecord = false
    /// The physical line being read, and the one the current record started on.
    private var line = 1
    private var recordLine = 1
    private var previousWasCarriageReturn = false
    /// The first bytes, held until they show whether the input starts with a byte order mark.
    private var head: [UInt8]? = []

    public init() {}

    /// Reads `bytes`, the next part of the input, and appends the records it completes to `records`.
    public mutating func read(_ bytes: UnsafeRawBufferPointer, into records: inout [Record]) {
        if var held = head {
            held.append(contentsOf: bytes)
            guard held.count >= Self.byteOrderMark.count else {
                head = held
                return
            }
            head = nil
            let start = held.starts(with: Self.byteOrderMark) ? Self.byteOrderMark.count : 0
            held[start...].withUnsafeBytes { consume($0, into: &records) }
            return
        }
        consume(bytes, into: &records)
    }

    /// Ends the input: appends the last record when no line ending followed it, or a quoted field that was never
    /// closed, with its problem.
    public mutating func finish(into records: inout [Record]) {
        if let held = head {
            head = nil
            let rest = held == Self.byteOrderMark ? [] : held
            rest.withUnsafeBytes { consume($0, into: &records) }
        }
        switch state {
        case .quoted:
            problem = problem ?? "a quoted field is not closed before the end of the file"
            endRecord(into: &records)
        case .unquoted, .quoteInQuoted, .afterClosingQuote:
            if inRecord { endRecord(into: &records) }
        }
    }

    private mutating func consume(_ bytes: UnsafeRawBufferPointer, into records: inout [Record]) {
        for byte in bytes {
            let afterCarriageReturn = previousWasCarriageReturn
            previousWasCarriageReturn = byte == Self.carriageReturn
            if state == .quoted {
                if byte == Self.quote {
                    state = .quoteInQuoted
                } else {
                    // Line breaks inside a quoted field are data, and physical lines all the same.
                    if byte == Self.carriageReturn || (byte == Self.lineFeed && !afterCarriageReturn) { line += 1 }
                    field.append(byte)
                }
                continue
            }
            if byte == Self.lineFeed && afterCarriageReturn { continue }
            if byte == Self.carriageReturn || byte == Self.lineFeed {
                line += 1
                if inRecord { endRecord(into: &records) }
                recordLine = line
                continue
            }
            inRecord = true
            switch state {
            case .unquoted:
                if byte == Self.comma {
                    endField()
                } else if byte == Self.quote && fieldIsBlank {
                    field.removeAll(keepingCapacity: true)
                    state = .quoted
                } else {
                    if byte != Self.space && byte != Self.tab { fieldIsBlank = false }
                    field.append(byte)
                }
            case .quoteInQuoted:
                if byte == Self.quote {
                    field.append(byte)
                    state = .quoted
                } else if byte == Self.comma {
                    endField()
                } else {
                    if byte != Self.space && byte != Self.tab { problem = problem ?? "a character follows a closing quote" }
                    state = .afterClosingQuote
                }
            case .afterClosingQuote:
                if byte == Self.comma {
                    endField()
                } else if byte != Self.space && byte != Self.tab {
                    problem = problem ?? "a character follows a closing quote"
                }
            case .quoted:
                break
            }
        }
    }

    private mutating func endField() {
        if let text = String(validating: field, as: UTF8.self) {
            fields.append(text)
        } else {
            problem = problem ?? "field \(fields.count + 1) is not UTF-8"
            fields.append(String(decoding: field, as: UTF8.self))
        }
        field.removeAll(keepingCapacity: true)
        fieldIsBlank = true
        state = .unquoted
    }

    private mutating func endRecord(into records: inout [Record]) {
        endField()
        records.append(Record(fields: fields, line: recordLine, problem: problem))
        fields = []
        problem = nil
        inRecord = false
    }
}
