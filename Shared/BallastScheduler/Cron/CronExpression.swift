import BallastCore
import Foundation

/// A cron schedule, parsed once and then asked for its next fire date.
///
/// Syntax: five fields, `minute hour day-of-month month day-of-week`, or six with `second` first. A field is `*`,
/// a value, a range `1-5`, a step `*/7`, `10-40/5` or `5/15` (= `5-59/15`), or a comma list of those. Months may be
/// written `JAN`-`DEC` and weekdays `SUN`-`SAT` (any case, also in ranges: `mon-fri`); Sunday is 0 or 7, so `5-7`
/// is Friday through Sunday, and a range ending in `SUN` ends on Sunday. `?` is accepted as `*` in the two day
/// fields. `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`) and `@hourly` stand for the usual
/// five fields.
///
/// Days follow Vixie cron: a day field counts as unrestricted when its first character is `*` (so `*/2` does too).
/// When neither day field is unrestricted a day matches if either matches (`0 0 13 * 5`: every 13th and every
/// Friday); otherwise both must, which leaves the decision to the restricted one. Expressions that can never
/// fire, such as `0 0 30 2 *`, are refused.
///
/// Fields are matched against wall-clock time in `timeZone`. Where daylight saving time changes the clock:
/// - a wall time that does not exist (the hour skipped in spring) fires once, at the first instant after the gap;
///   several skipped times collapse into that one firing;
/// - a wall time that occurs twice (the hour repeated in autumn) fires only at its first occurrence, unless the
///   hour field starts with `*`: then the expression keeps running by real time through both occurrences
///   (`*/15 * * * *` fires every 15 minutes across the repeated hour, `30 1 * * *` fires once).
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as given.
    public let text: String
    public let timeZone: TimeZone
    /// True for the six-field form, whose first field is the second.
    public let hasSeconds: Bool
    private let schedule: CronSchedule
    private let offsets: UTCOffsetTimeline

    private static let macros = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    public init(_ text: String, timeZone: TimeZone = TimeZone(identifier: "UTC")!) throws(CronExpressionError) {
        self.text = text
        self.timeZone = timeZone
        var fields = text.split(whereSeparator: \.isWhitespace)
        guard let first = fields.first else { throw CronExpressionError("empty expression") }
        if first.hasPrefix("@") {
            guard let expansion = Self.macros[first.lowercased()] else {
                throw CronExpressionError(
                    "unknown macro '\(first)'; expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly")
            }
            guard fields.count == 1 else {
                throw CronExpressionError("unexpected text after \(first): '\(fields.dropFirst().joined(separator: " "))'")
            }
            fields = expansion.split(separator: " ")
        }
        guard fields.count == 5 || fields.count == 6 else { throw CronExpressionError("expected 5 or 6 fields, got \(fields.count)") }
        hasSeconds = fields.count == 6
        if !hasSeconds { fields.insert("0", at: 0) }
        schedule = try CronSchedule(
            second: CronFieldPattern(fields[0], field: .second),
            minute: CronFieldPattern(fields[1], field: .minute),
            hour: CronFieldPattern(fields[2], field: .hour),
            dayOfMonth: CronFieldPattern(fields[3], field: .dayOfMonth),
            month: CronFieldPattern(fields[4], field: .month),
            dayOfWeek: CronFieldPattern(fields[5], field: .dayOfWeek)
        )
        offsets = UTCOffsetTimeline.timeline(for: timeZone)
    }

    /// The first fire date strictly after `date`, on a whole second; nil only if none comes within 400 years.
    public func nextFireDate(after date: Date) -> Date? {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        // Some 300,000 years either way: beyond any schedule's use, and it keeps the arithmetic far from overflow.
        guard abs(seconds) < 1e13 else { return nil }
        return nextFireInstant(after: Int64(seconds)).map { Date(epochSeconds: $0) }
    }

    /// In words, e.g. "every 5 minutes" or "at 09:30 on Monday through Friday (UTC)".
    public var explanation: String {
        CronExplanation.text(for: schedule, hasSeconds: hasSeconds, timeZone: timeZone)
    }

    public var description: String { text }

    public static func == (left: CronExpression, right: CronExpression) -> Bool {
        left.text == right.text && left.timeZone == right.timeZone
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(timeZone)
    }

    /// Walks the zone's offset intervals from `instant` on, searching each in wall time (see the type's DST rules).
    private func nextFireInstant(after instant: Int64) -> Int64? {
        if let offset = offsets.fixedOffset {
            return schedule.nextWallTime(after: instant + offset).map { $0 - offset }
        }
        let runsByRealTime = schedule.hour.startsWithStar
        var after = instant
        var index = offsets.interval(containing: instant + 1)
        while true {
            let offset = offsets.offsets[index]
            var searchAfter = after + offset
            if index > 0, !runsByRealTime {
                // After the clock went back, the wall times between the new and the old offset come round again: skip them.
                let start = offsets.starts[index]
                let previousOffset = offsets.offsets[index - 1]
                if previousOffset > offset { searchAfter = max(searchAfter, start + previousOffset - 1) }
            }
            guard let wall = schedule.nextWallTime(after: searchAfter) else { return nil }
            guard index + 1 < offsets.starts.count else { return wall - offset }
            let end = offsets.starts[index + 1]
            if wall - offset < end { return wall - offset }
            // The clock jumps forward at `end`: a wall time inside the gap fires at the first instant after it.
            if wall < end + offsets.offsets[index + 1] { return end }
            after = end - 1
            index += 1
        }
    }
}
