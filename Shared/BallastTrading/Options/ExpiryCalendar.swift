import BallastCore
import Foundation

/// Options expire at 08:00 UTC, as on the crypto options venues: this converts between those instants, UTC day
/// numbers (days since 1970-01-01, as `CivilCalendar` counts them) and the two ways a day is written
/// (`2026-12-11` in messages and expirations, `20261211` in symbols).
enum ExpiryCalendar {
    static let secondsPerDay = 86_400.0
    static let expiryHour = 8.0
    /// `CivilCalendar.weekday` counts from Sunday, 0.
    static let friday = 5

    /// The UTC day holding `date`. Dates beyond the years 0001–9999 count as the nearest end of them, so that a
    /// stray date can neither trap the conversion nor be written with more than four digits of year.
    static func day(of date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970
        let bounded = seconds.isNaN ? 0 : min(max(seconds, -62_135_596_800), 253_402_300_799)
        return Int64((bounded / secondsPerDay).rounded(.down))
    }

    static func expiry(onDay day: Int64) -> Date {
        Date(timeIntervalSince1970: Double(day) * secondsPerDay + expiryHour * 3_600)
    }

    /// `2026-12-11`.
    static func isoText(ofDay day: Int64) -> String {
        let date = CivilCalendar.date(days: day)
        return "\(digits(date.year, 4))-\(digits(date.month, 2))-\(digits(date.day, 2))"
    }

    /// `20261211`.
    static func compactText(ofDay day: Int64) -> String {
        let date = CivilCalendar.date(days: day)
        return digits(date.year, 4) + digits(date.month, 2) + digits(date.day, 2)
    }

    /// The day `20261211` names; nil for anything but eight ASCII digits of a real date.
    static func day(compact text: Substring) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 8 else { return nil }
        return day(year: number(bytes[0..<4]), month: number(bytes[4..<6]), day: number(bytes[6..<8]))
    }

    /// The day `2026-12-11` names; nil for anything but that form of a real date.
    static func day(iso text: Substring) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        return day(year: number(bytes[0..<4]), month: number(bytes[5..<7]), day: number(bytes[8..<10]))
    }

    /// The last Friday of a month, the monthly expiry.
    static func lastFriday(year: Int, month: Int) -> Int64 {
        let lastDay = CivilCalendar.days(year: year, month: month, day: CivilCalendar.daysInMonth(month, year: year))
        return lastDay - Int64((CivilCalendar.weekday(days: lastDay) - friday + 7) % 7)
    }

    private static func day(year: Int?, month: Int?, day: Int?) -> Int64? {
        guard let year, let month, let day, year >= 1, (1...12).contains(month),
            (1...CivilCalendar.daysInMonth(month, year: year)).contains(day)
        else { return nil }
        return CivilCalendar.days(year: year, month: month, day: day)
    }

    private static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
