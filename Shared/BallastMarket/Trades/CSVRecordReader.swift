/// Splits CSV text into records as RFC 4180 describes it, from bytes that arrive in chunks of any size, so a file of
/// any length is read in constant memory. Accepted beyond the letter of the RFC, as spreadsheets and Python's `csv`
/// write files: lines ending in CRLF, LF or a lone CR, mixed in one file; a UTF-8 byte order mark before the first
/// record; no line ending after the last record; spaces before an opening or after a closing quote; a quote inside an
/// unquoted field, kept as a character. Empty lines are no records.
///
/// A quoted field holds commas, line breaks and quotes (written `""`) as data. Each record carries the physical line it
/// starts on, so a reader can name the line of a bad record even when fields before it span several lines.
///
/// A stray quote (`1,"BTC-USD,…` with no closing quote) would make the rest of the file one field. So a record that
/// runs past the end of its line inside a quoted field and then turns out malformed (the file ends before the closing
/// quote, the record passes `maximumRecordLength` bytes, or a character follows the quote that closes it) is one bad
/// record, `unclosed quote in field N`, on the line it starts on; reading starts again after that line, which is why
/// the bytes of such a record after its first line break are held, at most `maximumRecordLength`. A record that stays
/// on its line and passes `maximumRecordLength` bytes is bad too; its bytes up to its line ending are dropped.
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

    /// The bytes one record may hold, line breaks inside quoted fields included; a trade line is about 100.
    public static let maximumRecordLength = 65_536

    private enum State {
        case unquoted
        case quoted
        /// A quote inside a quoted field: the second of `""`, or the closing quote.
        case quoteInQuoted
        case afterClosingQuote
        /// The record passed `maximumRecordLength` on its line: bytes are dropped up to the line ending.
        case overlong
    }

    /// The part of a record after the first line break inside a quoted field, read again when the quote proves stray.
    private struct Continuation: Sendable {
        /// The field that holds the line break, from 1.
        var field: Int
        /// The line after the line break.
        var line: Int
        /// The line break is a CR: an LF first in `bytes` completes it.
        var afterCarriageReturn: Bool
        var bytes: [UInt8] = []
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
    /// Why the current record ends inside a quoted field (the end of the file, its length), or nil.
    private var unclosed: String?
    /// The current record has a byte other than a line ending.
    private var inRecord = false
    /// The bytes of the current record so far, line endings that end it excluded.
    private var recordLength = 0
    private var continuation: Continuation?
    /// Bytes of a record with a stray quote, to read before the rest of the input.
    private var unread: [UInt8]?
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
    /// closed, with its problem (and then the records after a stray quote's line).
    public mutating func finish(into records: inout [Record]) {
        if let held = head {
            head = nil
            let rest = held == Self.byteOrderMark ? [] : held
            rest.withUnsafeBytes { consume($0, into: &records) }
        }
        while true {
            switch state {
            case .quoted:
                unclosed = "no closing quote before the end of the file"
                endRecord(into: &records)
            case .unquoted, .quoteInQuoted, .afterClosingQuote, .overlong:
                if inRecord { endRecord(into: &records) }
            }
            guard unread != nil else { return }
            readUnread(into: &records)
        }
    }

    private mutating func consume(_ bytes: UnsafeRawBufferPointer, into records: inout [Record]) {
        for byte in bytes {
            readByte(byte, into: &records)
            if unread != nil { readUnread(into: &records) }
        }
    }

    /// Reads the bytes after a stray quote's line, and those after any stray quote among them, in input order.
    private mutating func readUnread(into records: inout [Record]) {
        while let bytes = unread {
            unread = nil
            var index = bytes.startIndex
            while index < bytes.endIndex, unread == nil {
                readByte(bytes[index], into: &records)
                index += 1
            }
            // A stray quote among them: its record's later bytes come first, then the rest of these.
            unread?.append(contentsOf: bytes[index...])
        }
    }

    private mutating func readByte(_ byte: UInt8, into records: inout [Record]) {
        continuation?.bytes.append(byte)
        let afterCarriageReturn = previousWasCarriageReturn
        previousWasCarriageReturn = byte == Self.carriageReturn
        let isLineBreak = byte == Self.carriageReturn || (byte == Self.lineFeed && !afterCarriageReturn)
        switch state {
        case .quoted:
            recordLength += 1
            if recordLength > Self.maximumRecordLength {
                overflow(into: &records)
            } else if byte == Self.quote {
                state = .quoteInQuoted
            } else {
                // Line breaks inside a quoted field are data, and physical lines all the same.
                if isLineBreak {
                    line += 1
                    if continuation == nil {
                        continuation = Continuation(
                            field: fields.count + 1, line: line, afterCarriageReturn: byte == Self.carriageReturn)
                    }
                }
                field.append(byte)
            }
            return
        case .overlong:
            if isLineBreak { endLine(into: &records) }
            return
        case .unquoted, .quoteInQuoted, .afterClosingQuote:
            break
        }
        if byte == Self.lineFeed && afterCarriageReturn { return }
        if isLineBreak {
            endLine(into: &records)
            return
        }
        inRecord = true
        recordLength += 1
        if recordLength > Self.maximumRecordLength {
            overflow(into: &records)
            return
        }
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
        case .quoted, .overlong:
            break
        }
    }

    /// A line ending outside quotes: the end of the record, if the line had one.
    private mutating func endLine(into records: inout [Record]) {
        line += 1
        if inRecord { endRecord(into: &records) }
        recordLine = line
    }

    /// The record passed `maximumRecordLength`: a stray quote's record ends here; one on a single line is dropped to
    /// its line ending.
    private mutating func overflow(into records: inout [Record]) {
        problem = "the line is longer than \(Self.maximumRecordLength) bytes"
        if continuation != nil {
            if state == .quoted { unclosed = "no closing quote within \(Self.maximumRecordLength) bytes" }
            endRecord(into: &records)
        } else {
            field.removeAll()
            state = .overlong
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
        if let continuation, let reason = unclosed ?? problem.map({ "the field runs onto the next lines, where \($0)" }) {
            // A quoted field ran past its line and the record is malformed: the quote was stray. The record is its
            // first line; the lines after it are read again.
            records.append(
                Record(
                    fields: Array(fields.prefix(continuation.field - 1)), line: recordLine,
                    problem: "unclosed quote in field \(continuation.field): \(reason)"))
            unread = continuation.bytes
            line = continuation.line
            recordLine = continuation.line
            previousWasCarriageReturn = continuation.afterCarriageReturn
        } else {
            let reason = unclosed.map { "unclosed quote in field \(fields.count): \($0)" } ?? problem
            records.append(Record(fields: fields, line: recordLine, problem: reason))
        }
        fields = []
        problem = nil
        unclosed = nil
        inRecord = false
        recordLength = 0
        continuation = nil
    }
}
