import Foundation

/// RFC 3339 timestamps in UTC with millisecond precision (`2026-11-23T14:05:00.123Z`).
public enum RFC3339 {
    public static func string(from date: Date) -> String {
        date.formatted(withFractions)
    }

    /// Accepts timestamps with or without fractional seconds, in any offset.
    public static func date(from text: String) -> Date? {
        (try? withFractions.parse(text)) ?? (try? withoutFractions.parse(text))
    }

    private static let withFractions = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let withoutFractions = Date.ISO8601FormatStyle(timeZone: .gmt)
}
