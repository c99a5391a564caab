import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// RFC 3339 timestamps in UTC with millisecond precision (`2026-11-23T14:05:00.123Z`).
///
/// Every stream entry carries one, so the canonical form is written and read by hand (the outbox relay
/// and consumers handle hundreds of thousands per second); other offsets and precisions fall back to
/// Foundation's parser.
public enum RFC3339 {
    /// The instants the four-digit form can write: 0001-01-01T00:00:00Z through 9999-12-31T23:59:59.999Z, in epoch
    /// milliseconds. `date(from:)` refuses the rest, so that a date read from outside can always be written back.
    public static let supportedMilliseconds: ClosedRange<Int64> = -62_135_596_800_000...253_402_300_799_999

    /// A date outside `supportedMilliseconds` (which no reader here accepts) is written as the nearest end of it:
    /// writing a timestamp must not trap on a value that came from elsewhere.
    public static func string(from date: Date) -> String {
        let bounds = Double(supportedMilliseconds.lowerBound)...Double(supportedMilliseconds.upperBound)
        let exact = (date.timeIntervalSince1970 * 1000).rounded()
        let totalMilliseconds = Int64(exact.isNaN ? 0 : min(max(exact, bounds.lowerBound), bounds.upperBound))
        var seconds = time_t(totalMilliseconds.floorDivided(by: 1000))
        let milliseconds = Int(totalMilliseconds - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var bytes = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int, _ width: Int, at offset: Int) {
            var value = value
            for position in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[position] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, 4, at: 0)
        bytes[4] = UInt8(ascii: "-")
        put(Int(parts.tm_mon) + 1, 2, at: 5)
        bytes[7] = UInt8(ascii: "-")
        put(Int(parts.tm_mday), 2, at: 8)
        bytes[10] = UInt8(ascii: "T")
        put(Int(parts.tm_hour), 2, at: 11)
        bytes[13] = UInt8(ascii: ":")
        put(Int(parts.tm_min), 2, at: 14)
        bytes[16] = UInt8(ascii: ":")
        put(Int(parts.tm_sec), 2, at: 17)
        bytes[19] = UInt8(ascii: ".")
        put(milliseconds, 3, at: 20)
        bytes[23] = UInt8(ascii: "Z")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Accepts timestamps with or without fractional seconds, in any offset, within `supportedMilliseconds`.
    public static func date(from text: String) -> Date? {
        if let date = canonicalDate(from: text) { return isSupported(date) ? date : nil }
        // Canonical in shape but not a real instant (Feb 30): Foundation would roll it over; refuse it.
        if text.utf8.count == 24 && text.hasSuffix("Z") { return nil }
        // Foundation reads five-digit years and offsets past year 0001 (`0000-01-01T00:00:00+14:00`), which
        // `string(from:)` cannot write back and Postgres' binary encoding of a date traps on far beyond that.
        guard text.utf8.count <= 64, let date = (try? withFractions.parse(text)) ?? (try? withoutFractions.parse(text)),
            isSupported(date)
        else { return nil }
        return date
    }

    /// Compared as floating point: converting a far date to `Int64` milliseconds would itself trap.
    private static func isSupported(_ date: Date) -> Bool {
        let milliseconds = date.timeIntervalSince1970 * 1000
        return milliseconds >= Double(supportedMilliseconds.lowerBound) && milliseconds <= Double(supportedMilliseconds.upperBound)
    }

    /// The fast path: exactly `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    private static func canonicalDate(from text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count == 24, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
                bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z")
            else { return nil }
            func number(_ offset: Int, _ width: Int) -> Int? {
                var value = 0
                for position in offset..<offset + width {
                    let digit = Int(bytes[position]) - Int(UInt8(ascii: "0"))
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                let minute = number(14, 2), let second = number(17, 2), let millisecond = number(20, 3),
                (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
            else { return nil }
            var parts = tm()
            parts.tm_year = Int32(year - 1900)
            parts.tm_mon = Int32(month - 1)
            parts.tm_mday = Int32(day)
            parts.tm_hour = Int32(hour)
            parts.tm_min = Int32(minute)
            parts.tm_sec = Int32(second)
            let seconds = timegm(&parts)
            // timegm normalises impossible dates (Feb 30 → Mar 2); refuse them instead.
            guard parts.tm_mday == Int32(day), parts.tm_mon == Int32(month - 1) else { return nil }
            return Date(timeIntervalSince1970: Double(seconds) + Double(millisecond) / 1000)
        }
    }

    private static let withFractions = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let withoutFractions = Date.ISO8601FormatStyle(timeZone: .gmt)
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
