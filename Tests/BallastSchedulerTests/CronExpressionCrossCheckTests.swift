import BallastCore
import BallastScheduler
import Foundation
import Testing

/// Compares `nextFireDate(after:)` with a plain minute-by-minute scan over Foundation's `Calendar`,
/// each expression restated as a predicate on date components.
@Suite("Cron expressions against a minute-by-minute scan")
struct CronExpressionCrossCheckTests {
    /// Minute, hour, day, month, weekday (1 = Sunday, as `Calendar` counts).
    typealias Moment = (minute: Int, hour: Int, day: Int, month: Int, weekday: Int)

    static let cases: [(expression: String, zone: String, matches: @Sendable (Moment) -> Bool)] = [
        ("*/7 9-17 * * mon-fri", "UTC", { $0.minute % 7 == 0 && (9...17).contains($0.hour) && (2...6).contains($0.weekday) }),
        ("0 0 13 * 5", "UTC", { $0.minute == 0 && $0.hour == 0 && ($0.day == 13 || $0.weekday == 6) }),
        ("15 */3 1-10 * *", "UTC", { $0.minute == 15 && $0.hour % 3 == 0 && $0.day <= 10 }),
        ("0 12 */2 * 1", "UTC", { $0.minute == 0 && $0.hour == 12 && $0.day % 2 == 1 && $0.weekday == 2 }),
        ("45 23 * * 0", "Asia/Kolkata", { $0.minute == 45 && $0.hour == 23 && $0.weekday == 1 }),
        ("30 4 28-31 * *", "Asia/Tokyo", { $0.minute == 30 && $0.hour == 4 && $0.day >= 28 }),
    ]

    @Test("agree on pseudo-random start times", arguments: cases.indices)
    func agree(index: Int) async throws {
        let (text, zoneName, matches) = Self.cases[index]
        let zone = try #require(TimeZone(identifier: zoneName))
        let expression = try CronExpression(text, timeZone: zone)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var generator = SplitMix64(seed: UInt64(index + 1))
        for _ in 0..<20 {
            // CPU-bound: leave the shared executor to the tests that wait on servers.
            await Task.yield()
            // Anywhere in 2020-2035, with a fraction of a second.
            let from = Date(timeIntervalSince1970: 1_577_836_800 + Double(generator.next() % 473_040_000) + 0.25)
            var candidate = Date(timeIntervalSince1970: (from.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60)
            while true {
                let parts = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: candidate)
                if let minute = parts.minute, let hour = parts.hour, let day = parts.day, let month = parts.month,
                    let weekday = parts.weekday, matches((minute, hour, day, month, weekday))
                {
                    break
                }
                candidate += 60
            }
            #expect(expression.nextFireDate(after: from) == candidate, "after \(from.formatted(.iso8601))")
        }
    }
}

/// Simulates the documented DST rules minute by minute with Foundation's offsets, around real transitions.
@Suite("Cron expressions across DST changes against a minute-by-minute simulation")
struct CronDaylightSavingCrossCheckTests {
    typealias Moment = CronExpressionCrossCheckTests.Moment

    /// `hourStartsWithStar` selects the rule for repeated wall times: true runs by real time through both.
    static let cases: [(expression: String, hourStartsWithStar: Bool, matches: @Sendable (Moment) -> Bool)] = [
        ("30 1 * * *", false, { $0.minute == 30 && $0.hour == 1 }),
        ("0 2 * * *", false, { $0.minute == 0 && $0.hour == 2 }),
        ("* 1 * * *", false, { $0.hour == 1 }),
        ("0,20,40 2 * * *", false, { $0.minute % 20 == 0 && $0.hour == 2 }),
        ("45 0 * * *", false, { $0.minute == 45 && $0.hour == 0 }),
        ("*/15 * * * *", true, { $0.minute % 15 == 0 }),
        ("10 */2 * * *", true, { $0.minute == 10 && $0.hour % 2 == 0 }),
        ("50 * * * *", true, { $0.minute == 50 }),
    ]
    static let zones = [
        "America/New_York", "Europe/Berlin", "Europe/London", "Australia/Lord_Howe", "America/Santiago", "Australia/Sydney",
    ]

    @Test("agree within three hours before each transition of 2026-2027", arguments: zones)
    func agree(zoneName: String) async throws {
        let zone = try #require(TimeZone(identifier: zoneName))
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = try #require(TimeZone(identifier: "UTC"))
        var transitions: [Date] = []
        var cursor = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
        while transitions.count < 4, let next = zone.nextDaylightSavingTimeTransition(after: cursor) {
            transitions.append(next)
            cursor = next
        }
        #expect(transitions.count == 4)
        var generator = SplitMix64(seed: UInt64(zoneName.utf8.count))
        for transition in transitions {
            for (text, hourStartsWithStar, matches) in Self.cases {
                // CPU-bound: leave the shared executor to the tests that wait on servers.
                await Task.yield()
                let expression = try CronExpression(text, timeZone: zone)
                var after = transition - Double(generator.next() % 10_800) - 0.5
                for _ in 0..<3 {
                    let expected = Self.simulatedNextFire(
                        after: after, zone: zone, calendar: utc, hourStartsWithStar: hourStartsWithStar, matches)
                    let actual = expression.nextFireDate(after: after)
                    #expect(actual == expected, "'\(text)' in \(zoneName) after \(after.formatted(.iso8601))")
                    guard let actual else { break }
                    after = actual
                }
            }
        }
    }

    /// Steps through real minutes: a minute fires if its wall time matches and is not a skipped repeat, or if it ends
    /// a gap whose skipped wall times include a match.
    static func simulatedNextFire(
        after date: Date, zone: TimeZone, calendar: Calendar, hourStartsWithStar: Bool,
        _ matches: (Moment) -> Bool
    ) -> Date? {
        func offset(_ instant: Double) -> Double { Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: instant))) }
        func wallMatches(_ wall: Double) -> Bool {
            let parts = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: Date(timeIntervalSince1970: wall))
            guard let minute = parts.minute, let hour = parts.hour, let day = parts.day, let month = parts.month,
                let weekday = parts.weekday
            else { return false }
            return matches((minute, hour, day, month, weekday))
        }
        var instant = (date.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60
        for _ in 0..<(3 * 24 * 60) {
            let current = offset(instant)
            let before = offset(instant - 60)
            let wall = instant + current
            if wallMatches(wall) {
                // The same wall time came earlier under an offset in force up to three hours ago.
                let isRepeat = [3_600.0, 7_200, 10_800].contains { back in
                    let earlier = offset(instant - back)
                    return earlier > current && offset(wall - earlier) == earlier && wall - earlier < instant
                }
                if hourStartsWithStar || !isRepeat { return Date(timeIntervalSince1970: instant) }
            }
            if current > before, stride(from: instant + before, to: wall, by: 60).contains(where: wallMatches) {
                return Date(timeIntervalSince1970: instant)
            }
            instant += 60
        }
        return nil
    }
}
