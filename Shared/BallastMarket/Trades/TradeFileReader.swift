/// A trade file read chunk by chunk, so `ballast trades replay` streams a file of any size: the header first (see
/// `TradeCSV`), then for each record its trade, or why the record is skipped, with the line it starts on.
public struct TradeFileReader: Sendable {
    public struct Line: Sendable {
        /// The physical line the record starts on, from 1.
        public let number: Int
        public let trade: Result<Trade, TradeCSVError>
    }

    private var reader = CSVRecordReader()
    private var layout: TradeCSV?
    private var records: [CSVRecordReader.Record] = []

    public init() {}

    /// The trades and bad lines of the records `bytes` completes; throws when the first record is no header.
    public mutating func read(_ bytes: UnsafeRawBufferPointer) throws(TradeCSVError) -> [Line] {
        reader.read(bytes, into: &records)
        return try lines()
    }

    /// The last record's trade or reason, if the file did not end with a line ending; throws when the file has no header.
    public mutating func finish() throws(TradeCSVError) -> [Line] {
        reader.finish(into: &records)
        let last = try lines()
        guard layout != nil else { throw TradeCSV.notHeader("the file is empty") }
        return last
    }

    /// Every line of `text`, a whole file.
    public static func lines(of text: String) throws(TradeCSVError) -> [Line] {
        var file = TradeFileReader()
        let read = Array(text.utf8).withUnsafeBytes { bytes in Result { () throws(TradeCSVError) in try file.read(bytes) } }
        return try read.get() + file.finish()
    }

    private mutating func lines() throws(TradeCSVError) -> [Line] {
        defer { records.removeAll(keepingCapacity: true) }
        var lines: [Line] = []
        lines.reserveCapacity(records.count)
        for record in records {
            guard let layout else {
                if let problem = record.problem { throw TradeCSV.notHeader(problem) }
                layout = try TradeCSV(header: record.fields)
                continue
            }
            // A line of only spaces is as empty as an empty line.
            if record.problem == nil, record.fields.count == 1, record.fields[0].allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            if let problem = record.problem {
                lines.append(Line(number: record.line, trade: .failure(TradeCSVError(problem))))
            } else {
                lines.append(Line(number: record.line, trade: layout.trade(from: record.fields)))
            }
        }
        return lines
    }
}
