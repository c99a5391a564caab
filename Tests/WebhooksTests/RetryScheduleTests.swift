import BallastCore
import BallastWebhooks
import Testing

@Suite("Retry schedules")
struct RetryScheduleTests {
    @Test(
        "Reads the named schedules and delay lists",
        arguments: [
            ("standard", RetrySchedule.standard.delays),
            (" seed ", RetrySchedule.seed.delays),
            ("0,5s,5m,30m,2h,5h,10h,10h", RetrySchedule.standard.delays),
            ("0, 2s, 4s", RetrySchedule.seed.delays),
            ("0", [.zero]),
            ("0s", [.zero]),
            ("250ms,1500ms", [.milliseconds(250), .milliseconds(1500)]),
            ("168h", [.seconds(7 * 24 * 3600)]),
            ("10080m", [.seconds(7 * 24 * 3600)]),
            ("604800000ms", [.seconds(7 * 24 * 3600)]),
            (Array(repeating: "1s", count: 20).joined(separator: ","), Array(repeating: .seconds(1), count: 20)),
        ] as [(String, [Duration])]
    )
    func reads(text: String, delays: [Duration]) throws {
        let schedule = try RetrySchedule(parsing: text)
        #expect(schedule.delays == delays)
        #expect(schedule.attempts == delays.count)
        #expect(schedule.jitter == 0.2)
    }

    @Test(
        "Refuses other text, naming the delay at fault",
        arguments: [
            ("", RetryScheduleError.empty, "is empty; give 'standard', 'seed', or delays separated by commas like 0,5s,5m,30m,2h"),
            ("  ", .empty, "is empty; give 'standard', 'seed', or delays separated by commas like 0,5s,5m,30m,2h"),
            (
                "Standard", .notADelay(position: 1, entry: "Standard"),
                "delay 1 'Standard' is not a whole number with a unit ms, s, m or h (like 500ms, 5s, 30m, 2h), or 0"
            ),
            (
                "0,5", .notADelay(position: 2, entry: "5"),
                "delay 2 '5' is not a whole number with a unit ms, s, m or h (like 500ms, 5s, 30m, 2h), or 0"
            ),
            (
                "0,,5s", .notADelay(position: 2, entry: ""),
                "delay 2 '' is not a whole number with a unit ms, s, m or h (like 500ms, 5s, 30m, 2h), or 0"
            ),
            (
                "0,5s,", .notADelay(position: 3, entry: ""),
                "delay 3 '' is not a whole number with a unit ms, s, m or h (like 500ms, 5s, 30m, 2h), or 0"
            ),
            (
                "1d", .notADelay(position: 1, entry: "1d"),
                "delay 1 '1d' is not a whole number with a unit ms, s, m or h (like 500ms, 5s, 30m, 2h), or 0"
            ),
            (
                "5S", .notADelay(position: 1, entry: "5S"),
                "delay 1 '5S' is not a whole number with a unit ms, s, m or h (like 500ms, 5s, 30m, 2h), or 0"
            ),
            (
                "-5s", .notADelay(position: 1, entry: "-5s"),
                "delay 1 '-5s' is not a whole number with a unit ms, s, m or h (like 500ms, 5s, 30m, 2h), or 0"
            ),
            (
                "1.5s", .notADelay(position: 1, entry: "1.5s"),
                "delay 1 '1.5s' is not a whole number with a unit ms, s, m or h (like 500ms, 5s, 30m, 2h), or 0"
            ),
            (
                "5 s", .notADelay(position: 1, entry: "5 s"),
                "delay 1 '5 s' is not a whole number with a unit ms, s, m or h (like 500ms, 5s, 30m, 2h), or 0"
            ),
            (
                "١s", .notADelay(position: 1, entry: "١s"),
                "delay 1 '١s' is not a whole number with a unit ms, s, m or h (like 500ms, 5s, 30m, 2h), or 0"
            ),
            ("169h", .tooLong(position: 1, entry: "169h"), "delay 1 '169h' is longer than 7 days"),
            ("0,604800001ms", .tooLong(position: 2, entry: "604800001ms"), "delay 2 '604800001ms' is longer than 7 days"),
            (
                "99999999999999999999h", .tooLong(position: 1, entry: "99999999999999999999h"),
                "delay 1 '99999999999999999999h' is longer than 7 days"
            ),
            (
                String(repeating: "9", count: 40) + "s", .tooLong(position: 1, entry: String(repeating: "9", count: 40) + "s"),
                "delay 1 '\(String(repeating: "9", count: 24))…' is longer than 7 days"
            ),
            (Array(repeating: "1s", count: 21).joined(separator: ","), .tooManyDelays(count: 21), "has 21 delays; give 1 to 20"),
        ] as [(String, RetryScheduleError, String)]
    )
    func refuses(text: String, expected: RetryScheduleError, message: String) {
        #expect(throws: expected) { try RetrySchedule(parsing: text) }
        #expect(expected.description == message)
    }

    @Test("Jittered delays stay within ±jitter of the schedule and use the whole band", arguments: [0.2, 0.5, 0])
    func jitterBounds(jitter: Double) {
        let schedule = RetrySchedule(delays: RetrySchedule.standard.delays, jitter: jitter)
        var random = SplitMix64(seed: 0x5EED)
        for attempt in 1..<schedule.attempts {
            let base = schedule.delays[attempt]
            var factors: [Double] = []
            for _ in 0..<2_000 {
                guard let delay = schedule.delay(afterFailedAttempt: attempt, using: &random) else {
                    Issue.record("no delay after attempt \(attempt)")
                    return
                }
                factors.append(delay / base)
            }
            let low = factors.min() ?? 0
            let high = factors.max() ?? 0
            #expect(low >= 1 - jitter - 1e-9 && high <= 1 + jitter + 1e-9, "attempt \(attempt): \(low)...\(high)")
            // With 2 000 uniform draws, both ends of the band are reached within 1 % of its width.
            #expect(low <= 1 - jitter + jitter * 0.02 && high >= 1 + jitter - jitter * 0.02, "attempt \(attempt): \(low)...\(high)")
        }
    }

    @Test("The last attempt's failure ends the schedule", arguments: [RetrySchedule.standard, .seed, RetrySchedule(delays: [.zero])])
    func exhaustion(schedule: RetrySchedule) {
        var random = SplitMix64(seed: 7)
        for attempt in 1..<schedule.attempts {
            #expect(schedule.delay(afterFailedAttempt: attempt, using: &random) != nil)
        }
        for attempt in [schedule.attempts, schedule.attempts + 1, Int.max, -1] {
            #expect(schedule.delay(afterFailedAttempt: attempt, using: &random) == nil)
        }
        #expect(schedule.delay(afterFailedAttempt: 0, using: &random) == .zero)
    }

    @Test("The named schedules are the documented ones")
    func namedSchedules() {
        #expect(RetrySchedule.standard.attempts == 8)
        #expect(RetrySchedule.standard.delays.last == .seconds(10 * 3600))
        #expect(RetrySchedule.seed.delays == [.zero, .seconds(2), .seconds(4)])
    }

    @Test(
        "Out-of-range jitter and negative delays are clamped",
        arguments: [(-1.0, 0.0), (0.3, 0.3), (2.0, 1.0), (Double.nan, 0.0), (Double.infinity, 1.0)]
    )
    func clamps(jitter: Double, expected: Double) {
        let schedule = RetrySchedule(delays: [.zero, .seconds(-5)], jitter: jitter)
        #expect(schedule.jitter == expected)
        #expect(schedule.delays == [.zero, .zero])
    }
}
