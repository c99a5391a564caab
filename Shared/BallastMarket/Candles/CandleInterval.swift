import BallastCore

/// A candle length, named as Binance names it. Buckets are in UTC: fixed lengths are aligned to the epoch, weeks start
/// on Monday 00:00, months are calendar months. Times are epoch milliseconds, negative ones included.
public enum CandleInterval: String, CaseIterable, Sendable, Hashable, Codable {
    case oneMinute = "1m"
    case fiveMinutes = "5m"
    case fifteenMinutes = "15m"
    case thirtyMinutes = "30m"
    case oneHour = "1h"
    case fourHours = "4h"
    case oneDay = "1d"
    case oneWeek = "1w"
    case oneMonth = "1M"

    static let millisecondsPerDay: Int64 = 86_400_000
    /// 1970-01-05, the first Monday after the epoch, is day 4.
    static let firstMondayOffset: Int64 = 4 * millisecondsPerDay

    /// The length in milliseconds; nil for months, whose lengths vary.
    public var fixedLength: Int64? {
        switch self {
        case .oneMinute: 60_000
        case .fiveMinutes: 300_000
        case .fifteenMinutes: 900_000
        case .thirtyMinutes: 1_800_000
        case .oneHour: 3_600_000
        case .fourHours: 14_400_000
        case .oneDay: Self.millisecondsPerDay
        case .oneWeek: 7 * Self.millisecondsPerDay
        case .oneMonth: nil
        }
    }

    /// The open time of the bucket holding `time`.
    public func openTime(containing time: Int64) -> Int64 {
        switch self {
        case .oneWeek:
            let length = 7 * Self.millisecondsPerDay
            return alignDown(time - Self.firstMondayOffset, to: length) + Self.firstMondayOffset
        case .oneMonth:
            let day = alignDown(time, to: Self.millisecondsPerDay) / Self.millisecondsPerDay
            return (day - Int64(CivilCalendar.date(days: day).day - 1)) * Self.millisecondsPerDay
        default:
            return alignDown(time, to: fixedLength!)
        }
    }

    /// The open time of the bucket after the one holding `time` (for an open time, simply the next open time).
    public func nextOpenTime(after time: Int64) -> Int64 {
        switch self {
        case .oneMonth:
            let day = alignDown(time, to: Self.millisecondsPerDay) / Self.millisecondsPerDay
            let date = CivilCalendar.date(days: day)
            let nextFirst = day - Int64(date.day - 1) + Int64(CivilCalendar.daysInMonth(date.month, year: date.year))
            return nextFirst * Self.millisecondsPerDay
        case .oneWeek:
            return openTime(containing: time) + 7 * Self.millisecondsPerDay
        default:
            return openTime(containing: time) + fixedLength!
        }
    }

    /// The last millisecond of the bucket that opens at `open`: the next open time minus 1 ms.
    public func closeTime(open: Int64) -> Int64 {
        nextOpenTime(after: open) - 1
    }
}

/// The greatest multiple of `length` not above `time`.
@inline(__always)
private func alignDown(_ time: Int64, to length: Int64) -> Int64 {
    let remainder = time % length
    return time - (remainder < 0 ? remainder + length : remainder)
}
