import Foundation

/// Puts a cron schedule into words: "every 5 minutes", "at 09:30 on Monday through Friday (UTC)".
enum CronExplanation {
    static func text(for schedule: CronSchedule, hasSeconds: Bool, timeZone: TimeZone) -> String {
        var words = time(of: schedule, hasSeconds: hasSeconds)
        if let days = days(of: schedule) { words += " " + days }
        // Schedules that only pick minutes and seconds read the same in (nearly) every zone; leave the zone out.
        let isZoneFree = [schedule.hour, schedule.dayOfMonth, schedule.month, schedule.dayOfWeek].allSatisfy(\.matchesEverything)
        // Foundation on Linux names the UTC zone "GMT"; people asked for UTC.
        let zoneName = timeZone.identifier == "GMT" ? "UTC" : timeZone.identifier
        return isZoneFree ? words : "\(words) (\(zoneName))"
    }

    private static func time(of schedule: CronSchedule, hasSeconds: Bool) -> String {
        let second = schedule.second
        let minute = schedule.minute
        let hour = schedule.hour
        let showsSeconds = hasSeconds && second.mask != 1
        let isClockTime = [minute, hour].allSatisfy(\.isValueList) && (!showsSeconds || second.isValueList)
        let times = isClockTime ? clockTimes(hours: hour.values, minutes: minute.values, seconds: showsSeconds ? second.values : nil) : []
        if !times.isEmpty, times.count <= 6 { return "at " + times.joinedInWords(with: "and") }

        let hourPhrase = phrase(hour, unit: "hour")
        // "every 2 hours" already says "on the hour".
        if !showsSeconds, minute.mask == 1, hourPhrase.isEvery { return hourPhrase.text }
        var phrases: [(text: String, isEvery: Bool)] = []
        for (pattern, unit) in (showsSeconds ? [(second, "second")] : []) + [(minute, "minute"), (hour, "hour")] {
            // "every 5 minutes" needs no "past every hour".
            if pattern.matchesEverything, phrases.last?.isEvery == true { continue }
            phrases.append(pattern.field == .hour ? hourPhrase : phrase(pattern, unit: unit))
        }
        let text = phrases.map(\.text).joined(separator: " past ")
        return phrases[0].isEvery ? text : "at " + text
    }

    private static func clockTimes(hours: [Int], minutes: [Int], seconds: [Int]?) -> [String] {
        func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return hours.flatMap { hour in
            minutes.flatMap { minute in
                let time = "\(twoDigits(hour)):\(twoDigits(minute))"
                return seconds.map { $0.map { "\(time):\(twoDigits($0))" } } ?? [time]
            }
        }
    }

    private static func days(of schedule: CronSchedule) -> String? {
        let dayOfMonth = schedule.dayOfMonth
        let month = schedule.month
        let months = month.matchesEverything ? "" : " in " + names(month)
        if schedule.daysMatchEither {
            return "\(monthDays(dayOfMonth)) or on \(names(schedule.dayOfWeek))\(months)"
        }
        switch (dayOfMonth.matchesEverything, schedule.dayOfWeek.matchesEverything) {
        case (true, true):
            return month.matchesEverything ? nil : "every day" + months
        case (false, true):
            if dayOfMonth.values.count == 1, month.values.count == 1 {
                return "on \(month.field.spelledOut(month.values[0])) \(dayOfMonth.values[0])"
            }
            return monthDays(dayOfMonth) + months
        case (true, false):
            return "on \(names(schedule.dayOfWeek))\(months)"
        case (false, false):
            return "\(monthDays(dayOfMonth)) when it falls on \(names(schedule.dayOfWeek))\(months)"
        }
    }

    private static func monthDays(_ pattern: CronFieldPattern) -> String {
        let phrase = phrase(pattern, unit: "day")
        return (phrase.isEvery ? "" : "on ") + phrase.text + " of the month"
    }

    /// "every 5 minutes", "every hour from 9 through 17", "minute 30", "minutes 0, 15 and 45".
    private static func phrase(_ pattern: CronFieldPattern, unit: String) -> (text: String, isEvery: Bool) {
        let field = pattern.field
        if pattern.items.count == 1, let item = pattern.items.first, !item.isSingleValue {
            let every = item.step == 1 ? "every \(unit)" : "every \(item.step) \(unit)s"
            if item.first == field.bounds.lowerBound, item.last >= field.wildcardEnd { return (every, true) }
            return ("\(every) from \(item.first) through \(item.last)", true)
        }
        let values = pattern.values.map(String.init)
        let items = pattern.hasPlainRanges ? pattern.items.map { "\($0.first)" + ($0.isSingleValue ? "" : " through \($0.last)") } : values
        return ("\(unit)\(values.count == 1 ? "" : "s") \(items.joinedInWords(with: "and"))", false)
    }

    /// "Monday through Friday", "January and July", "Sunday, Tuesday, Thursday and Saturday".
    private static func names(_ pattern: CronFieldPattern) -> String {
        let field = pattern.field
        guard pattern.hasPlainRanges else { return pattern.values.map(field.spelledOut).joinedInWords(with: "and") }
        return pattern.items.map { item in
            field.spelledOut(item.first) + (item.isSingleValue ? "" : " through \(field.spelledOut(item.last))")
        }.joinedInWords(with: "and")
    }
}

extension CronFieldPattern {
    /// Written as plain values, without ranges or wildcards: `30`, `9,17`.
    fileprivate var isValueList: Bool { items.allSatisfy(\.isSingleValue) }

    /// Has a range worth reading out (`1-5,10`); otherwise the matched values read better (`*/2` as 0, 2, 4 ...).
    fileprivate var hasPlainRanges: Bool {
        items.contains { !$0.isSingleValue } && items.allSatisfy { $0.step == 1 }
    }
}

extension Array where Element == String {
    /// "a", "a and b", "a, b and c".
    func joinedInWords(with conjunction: String) -> String {
        guard count > 1, let last else { return first ?? "" }
        return dropLast().joined(separator: ", ") + " \(conjunction) " + last
    }
}
