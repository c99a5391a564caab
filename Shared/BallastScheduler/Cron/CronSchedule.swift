import BallastCore

/// The fields of a cron expression as bitmasks, searched in local wall-clock time.
///
/// A wall time is the number of seconds since 1970-01-01T00:00 on the local calendar, as if the zone were UTC;
/// `CronExpression` maps wall times to real instants. A class, so that copying an expression costs one reference.
final class CronSchedule: Sendable {
    let second: CronFieldPattern
    let minute: CronFieldPattern
    let hour: CronFieldPattern
    let dayOfMonth: CronFieldPattern
    let month: CronFieldPattern
    let dayOfWeek: CronFieldPattern
    /// Vixie cron's rule: when neither day field starts with `*`, a day matches if either field matches;
    /// otherwise both must (so a `*` field leaves the decision to the other one).
    let daysMatchEither: Bool

    init(
        second: CronFieldPattern, minute: CronFieldPattern, hour: CronFieldPattern,
        dayOfMonth: CronFieldPattern, month: CronFieldPattern, dayOfWeek: CronFieldPattern
    ) throws(CronExpressionError) {
        self.second = second
        self.minute = minute
        self.hour = hour
        self.dayOfMonth = dayOfMonth
        self.month = month
        self.dayOfWeek = dayOfWeek
        daysMatchEither = !dayOfMonth.startsWithStar && !dayOfWeek.startsWithStar
        // With the OR rule every week brings a matching weekday; otherwise some month must hold one of the days.
        // Every date falls on every weekday within 400 years, so a possible date is enough.
        guard daysMatchEither || Self.hasPossibleDate(dayOfMonth: dayOfMonth, month: month) else {
            throw CronExpressionError(Self.impossibleDateReason(dayOfMonth: dayOfMonth, month: month))
        }
    }

    /// The first matching wall time strictly after `wall`, or nil if there is none within 400 years
    /// (the Gregorian calendar repeats after that, so there never will be).
    func nextWallTime(after wall: Int64) -> Int64? {
        let start = wall + 1
        let startDay = start >= 0 ? start / 86_400 : (start + 1) / 86_400 - 1
        let secondOfDay = Int(start - startDay * 86_400)
        var (year, month, day) = CivilCalendar.date(days: startDay)
        var hour = secondOfDay / 3600
        var minute = secondOfDay / 60 % 60
        var second = secondOfDay % 60
        let lastYear = year + 400
        // Jump to the next matching value field by field; a field that runs out carries into the one above
        // (month 13, day 32, hour 24 ... match nothing) and restarts the fields below at their lowest value.
        while year <= lastYear {
            guard let matchingMonth = self.month.mask.lowestSetBit(atOrAbove: month) else {
                (year, month, day, hour, minute, second) = (year + 1, 1, 1, 0, 0, 0)
                continue
            }
            if matchingMonth != month { (month, day, hour, minute, second) = (matchingMonth, 1, 0, 0, 0) }
            let firstOfMonth = CivilCalendar.days(year: year, month: month, day: 1)
            let firstWeekday = CivilCalendar.weekday(days: firstOfMonth)
            let days = matchingDays(firstWeekday: firstWeekday, count: CivilCalendar.daysInMonth(month, year: year))
            guard let matchingDay = days.lowestSetBit(atOrAbove: day) else {
                (month, day, hour, minute, second) = (month + 1, 1, 0, 0, 0)
                continue
            }
            if matchingDay != day { (day, hour, minute, second) = (matchingDay, 0, 0, 0) }
            guard let matchingHour = self.hour.mask.lowestSetBit(atOrAbove: hour) else {
                (day, hour, minute, second) = (day + 1, 0, 0, 0)
                continue
            }
            if matchingHour != hour { (hour, minute, second) = (matchingHour, 0, 0) }
            guard let matchingMinute = self.minute.mask.lowestSetBit(atOrAbove: minute) else {
                (hour, minute, second) = (hour + 1, 0, 0)
                continue
            }
            if matchingMinute != minute { (minute, second) = (matchingMinute, 0) }
            guard let matchingSecond = self.second.mask.lowestSetBit(atOrAbove: second) else {
                (minute, second) = (minute + 1, 0)
                continue
            }
            let dayNumber = firstOfMonth + Int64(day - 1)
            return dayNumber * 86_400 + Int64(hour * 3600 + minute * 60 + matchingSecond)
        }
        return nil
    }

    /// Bit d set for each day d of a month whose first day falls on `firstWeekday` (0 = Sunday) and that has `count` days.
    private func matchingDays(firstWeekday: Int, count: Int) -> UInt64 {
        let weekdays = dayOfWeek.mask
        // Rotate so bit k means "k days after the first", then repeat the week five times (7 bits apart, no carries).
        let week = ((weekdays >> firstWeekday) | (weekdays << (7 - firstWeekday))) & 0x7F
        let byWeekday = (week &* 0x1020_4081) << 1
        let candidates = daysMatchEither ? dayOfMonth.mask | byWeekday : dayOfMonth.mask & byWeekday
        let daysOfThisMonth: UInt64 = (1 << (count + 1)) - 2
        return candidates & daysOfThisMonth
    }

    private static func hasPossibleDate(dayOfMonth: CronFieldPattern, month: CronFieldPattern) -> Bool {
        month.values.contains { candidate in
            let longest: UInt64 = (1 << (CivilCalendar.daysInMonth(candidate, year: 2000) + 1)) - 2
            return dayOfMonth.mask & longest != 0
        }
    }

    private static func impossibleDateReason(dayOfMonth: CronFieldPattern, month: CronFieldPattern) -> String {
        let months = month.values.map { CronField.month.spelledOut($0) }
        let days = dayOfMonth.values.map(String.init).joinedInWords(with: "or")
        let verb = months.count == 1 ? "has" : "have"
        return "never fires: \(months.joinedInWords(with: "and")) \(verb) no day \(days)"
    }
}

extension UInt64 {
    /// The position of the lowest set bit at `position` or above; `position` may be up to 63.
    fileprivate func lowestSetBit(atOrAbove position: Int) -> Int? {
        let remaining = self & (UInt64.max << position)
        return remaining == 0 ? nil : remaining.trailingZeroBitCount
    }
}
