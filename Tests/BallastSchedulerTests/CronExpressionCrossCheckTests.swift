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
    func agree(index: Int) throws {
        let (text, zoneName, matches) = Self.cases[index]
        let zone = try #require(TimeZone(identifier: zoneName))
        let expression = try CronExpression(text, timeZone: zone)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var generator = SplitMix64(seed: UInt64(index + 1))
        for _ in 0..<20 {
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

/// A small deterministic generator, so failures reproduce.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
