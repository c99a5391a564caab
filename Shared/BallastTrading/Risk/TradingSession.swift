import BallastCore
import Foundation

/// When a market trades: days of the week and a daily window in the market's time zone. Markets without a
/// session (crypto) trade around the clock. A window whose close is not after its open runs past midnight.
public struct TradingSession: Sendable, Equatable, Codable {
    /// The signal's `exchange` this session applies to (`NYSE`, `NASDAQ`), compared without case.
    public var exchange: String
    public var timeZone: String
    /// ISO weekdays the window opens on: 1 = Monday ... 7 = Sunday.
    public var days: [Int]
    /// `HH:MM`, local time.
    public var open: String
    public var close: String

    public init(exchange: String, timeZone: String, days: [Int], open: String, close: String) {
        self.exchange = exchange
        self.timeZone = timeZone
        self.days = days
        self.open = open
        self.close = close
    }

    /// Why this session cannot be used, or nil when it is valid.
    public var problem: String? {
        if exchange.trimmingCharacters(in: .whitespaces).isEmpty { return "exchange is empty" }
        if TimeZone(identifier: timeZone) == nil { return "unknown time zone '\(timeZone)'" }
        if days.isEmpty || !days.allSatisfy({ (1...7).contains($0) }) { return "days must be ISO weekdays 1 (Monday) to 7 (Sunday)" }
        if Self.minutes(open) == nil { return "open must be HH:MM, got '\(open)'" }
        if Self.minutes(close) == nil { return "close must be HH:MM, got '\(close)'" }
        return nil
    }

    /// Whether the market is open at `date`.
    public func isOpen(at date: Date) -> Bool {
        guard problem == nil, let zone = TimeZone(identifier: timeZone), let open = Self.minutes(open),
            let close = Self.minutes(close)
        else { return false }
        let local = date.epochSeconds + Int64(zone.secondsFromGMT(for: date))
        let day = local.floorDivided(by: 86_400)
        let minute = Int((local - day * 86_400) / 60)
        // 1970-01-01 was a Thursday (ISO 4).
        let weekday = Int((day + 3).modulo(7)) + 1
        let previous = weekday == 1 ? 7 : weekday - 1
        if close > open { return days.contains(weekday) && minute >= open && minute < close }
        return (days.contains(weekday) && minute >= open) || (days.contains(previous) && minute < close)
    }

    /// When the window open at `date` closes, or nil when it is not open. The close is a local time, so a
    /// clock change inside the window moves it (the calendar of the session's zone decides).
    public func closing(after date: Date) -> Date? {
        guard isOpen(at: date), let zone = TimeZone(identifier: timeZone), let open = Self.minutes(open),
            let close = Self.minutes(close)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let today = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let minute = (today.hour ?? 0) * 60 + (today.minute ?? 0)
        let closesToday = close > open || minute < close
        var components = DateComponents(year: today.year, month: today.month, day: today.day, hour: close / 60, minute: close % 60)
        if !closesToday { components.day = (today.day ?? 1) + 1 }
        return calendar.date(from: components)
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            text.utf8.allSatisfy({ $0 == UInt8(ascii: ":") || (48...57).contains($0) }),
            let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        return hour * 60 + minute
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    fileprivate func modulo(_ divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
