import BallastScheduler
import Foundation

// Measures CronExpression.nextFireDate(after:) on a release build, and, as a same-run baseline, a naive scanner
// that steps minute by minute through Foundation's Calendar. Prints one `name value` line per figure.

let utc = TimeZone(identifier: "UTC")!
guard let berlin = TimeZone(identifier: "Europe/Berlin"), let newYork = TimeZone(identifier: "America/New_York") else {
    fatalError("the IANA time zone data is missing")
}

/// Calendar fields of a minute, as the naive scanner sees them (weekday 1 is Sunday).
typealias Moment = (minute: Int, hour: Int, day: Int, month: Int, weekday: Int)

/// One kind of schedule; `matches` restates it for the naive scanner, for kinds that fire within weeks in UTC
/// (a scan for the others would take seconds per evaluation).
struct Kind {
    let name: String
    let expression: CronExpression
    let matches: ((Moment) -> Bool)?

    init(_ name: String, _ text: String, in zone: TimeZone = utc, matches: ((Moment) -> Bool)? = nil) {
        self.name = name
        do {
            expression = try CronExpression(text, timeZone: zone)
        } catch {
            fatalError("\(text): \(error)")
        }
        self.matches = matches
    }
}

let kinds = [
    Kind("every_minute", "* * * * *") { _ in true },
    Kind("every_5_minutes", "*/5 * * * *") { $0.minute % 5 == 0 },
    Kind("every_10_seconds", "*/10 * * * * *"),
    Kind("weekdays_0930", "30 9 * * mon-fri") { $0.minute == 30 && $0.hour == 9 && (2...6).contains($0.weekday) },
    Kind("monthly", "@monthly") { $0.minute == 0 && $0.hour == 0 && $0.day == 1 },
    Kind("yearly", "@yearly"),
    Kind("february_29", "0 0 29 2 *"),
    Kind("friday_or_13th", "0 0 13 * 5") { $0.minute == 0 && $0.hour == 0 && ($0.day == 13 || $0.weekday == 6) },
    Kind("berlin_every_2_hours", "0 */2 * * *", in: berlin),
    Kind("new_york_0230", "30 2 * * *", in: newYork),
]
let scannedKinds = kinds.filter { $0.matches != nil }

/// Start times spread over 2020-2035, with fractions of a second, from a fixed seed.
var seed: UInt64 = 0x2545_F491_4F6C_DD1D
let starts = (0..<4096).map { _ in
    seed ^= seed << 13
    seed ^= seed >> 7
    seed ^= seed << 17
    return Date(timeIntervalSince1970: 1_577_836_800 + Double(seed % 473_040_000) + Double(seed % 1000) / 1000)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Repeats `round` (which returns how many evaluations it did) until `budget` seconds have passed; evaluations per second.
func rate(budget: Double, _ round: () -> Int) -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    var count = 0
    var elapsed = 0.0
    repeat {
        count += round()
        elapsed = seconds(clock.now - start)
    } while elapsed < budget
    return Double(count) / elapsed
}

var checksum = 0.0

@MainActor
func evaluateAll(_ kinds: [Kind]) -> Int {
    for start in starts {
        for kind in kinds {
            checksum += kind.expression.nextFireDate(after: start)?.timeIntervalSince1970 ?? 0
        }
    }
    return starts.count * kinds.count
}

var calendar = Calendar(identifier: .gregorian)
calendar.timeZone = utc

@MainActor
func naiveNextFireDate(_ kind: Kind, after date: Date) -> Date {
    guard let matches = kind.matches else { fatalError("\(kind.name) is not scanned") }
    var candidate = Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60)
    while true {
        let parts = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: candidate)
        if let minute = parts.minute, let hour = parts.hour, let day = parts.day, let month = parts.month, let weekday = parts.weekday,
            matches((minute, hour, day, month, weekday))
        {
            return candidate
        }
        candidate += 60
    }
}

let overall = rate(budget: 2) { evaluateAll(kinds) }
print("cron_next_evaluations_per_second \(Int(overall))")
for kind in kinds {
    print("cron_next_per_second_\(kind.name) \(Int(rate(budget: 0.2) { evaluateAll([kind]) }))")
}

// Same starts and kinds for both, so the ratio compares like with like.
let fastOnScanned = rate(budget: 0.5) { evaluateAll(scannedKinds) }
var naiveIndex = 0
var mismatches = 0
let naive = rate(budget: 2) {
    let start = starts[naiveIndex % starts.count]
    naiveIndex += 1
    for kind in scannedKinds where naiveNextFireDate(kind, after: start) != kind.expression.nextFireDate(after: start) {
        mismatches += 1
    }
    return scannedKinds.count
}
print("cron_next_per_second_naive_subset \(Int(fastOnScanned))")
print("naive_calendar_scan_per_second \(Int(naive))")
print("cron_next_speedup_vs_naive_scan \(Int(fastOnScanned / naive))")
print("naive_scan_mismatches \(mismatches)")
// Printed so the optimizer cannot drop the evaluations.
print("checksum \(Int(checksum) % 1000)")
