import BallastCore
import Foundation
import Logging

/// Writes one line per log record to standard output, as logfmt or JSON:
/// `ts=2026-11-25T10:00:00.000Z level=info service=notifier msg="consumer starting" stream=ballast:events`.
public struct StructuredLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let format: LogFormat
    private let writer: LogLineWriter

    /// A handler whose lines go to `writer`: the process's standard output unless a test passes another.
    public init(label: String, format: LogFormat, level: Logger.Level, writer: LogLineWriter = .standardOutput) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.writer = writer
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("ts", RFC3339.string(from: Date())),
            ("level", event.level.rawValue),
            ("service", label),
            ("msg", "\(event.message)"),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() {
            fields.append((key, "\(merged[key]!)"))
        }
        let line = format == .json ? Self.json(fields) : Self.logfmt(fields)
        writer.write(line + "\n")
    }

    static func logfmt(_ fields: [(String, String)]) -> String {
        fields.map { key, value in "\(key)=\(quotedIfNeeded(value))" }.joined(separator: " ")
    }

    static func json(_ fields: [(String, String)]) -> String {
        "{" + fields.map { key, value in "\(JSONValue.quoted(key)):\(JSONValue.quoted(value))" }.joined(separator: ",") + "}"
    }

    private static func quotedIfNeeded(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.isNewline }
        return needsQuotes ? JSONValue.quoted(value) : value
    }
}
