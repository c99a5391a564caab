import BallastCore
import Foundation

/// Which listed expiry a signal's `expiration` field asks for (docs/options.md, "Choosing a contract").
public enum ExpirationRule: Sendable, Equatable {
    /// The listed expiry on a date, "2026-12-11": 08:00 UTC on the instant's UTC date.
    case on(Date)
    /// "+7d" (also "+2w" = 14 days): the first listed expiry on or after the day `days` after today.
    ///
    /// Compared by UTC date, as the signal bridges compare expiration dates: at 10:00 on a Monday, "+1d" is
    /// Tuesday's 08:00 expiry, not Wednesday's.
    case after(days: Int)
    /// No expiration given: the first listed expiry.
    case nearest

    /// Reads `2026-12-11`, an RFC 3339 timestamp (`2026-12-11T08:00:00Z`) and relative forms: `+7d`, `+2w`, and as
    /// the bridges write them `+7 days`, `+1 week`, `+6 months` (units in any case, at most 5 digits). Months are
    /// calendar months counted from `now`'s UTC date, a day past the month's end taking its last day (Jan 31 +1 month
    /// is Feb 28 or 29), then turned into days. nil for anything else, negative counts included.
    public init?(text: String, now: Date) {
        if let day = ExpiryCalendar.day(iso: text[...]) {
            self = .on(ExpiryCalendar.expiry(onDay: day))
        } else if text.hasPrefix("+") {
            guard let days = Self.days(relative: text.dropFirst(), now: now) else { return nil }
            self = .after(days: days)
        } else if let date = RFC3339.date(from: text) {
            self = .on(date)
        } else {
            return nil
        }
    }

    private static func days(relative text: Substring, now: Date) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard (1...5).contains(digits.count), let count = Int(digits) else { return nil }
        var unit = text.dropFirst(digits.count)
        if unit.first == " " { unit = unit.dropFirst() }
        switch unit.lowercased() {
        case "d", "day", "days": return count
        case "w", "week", "weeks": return count * 7
        case "month", "months": return days(inMonths: count, after: now)
        default: return nil
        }
    }

    private static func days(inMonths months: Int, after now: Date) -> Int {
        let today = ExpiryCalendar.day(of: now)
        let date = CivilCalendar.date(days: today)
        let monthIndex = date.month - 1 + months
        let year = date.year + monthIndex / 12
        let month = monthIndex % 12 + 1
        let target = CivilCalendar.days(year: year, month: month, day: min(date.day, CivilCalendar.daysInMonth(month, year: year)))
        return Int(target - today)
    }
}
