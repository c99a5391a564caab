import BallastCore

/// When a webhook delivery is tried again after a failure. Delays grow so that a receiver that is down for
/// hours still gets the event, and are jittered so that the deliveries that failed together during an
/// outage do not all come back in the same second.
public struct RetrySchedule: Sendable, Equatable {
    /// The most attempts one delivery gets, and the longest wait between two of them.
    public static let attemptLimit = 20
    public static let longestDelay = Duration.seconds(7 * 24 * 3600)

    /// `delays[0]` is the wait before the first attempt (normally zero), `delays[n]` the wait before
    /// attempt n + 1 once attempt n failed.
    public let delays: [Duration]
    /// Each delay is multiplied by a uniform factor in `1 - jitter ... 1 + jitter`.
    public let jitter: Double

    /// Eight attempts over about a day: 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
    public static let standard = RetrySchedule(delays: [
        .zero, .seconds(5), .seconds(5 * 60), .seconds(30 * 60), .seconds(2 * 3600), .seconds(5 * 3600), .seconds(10 * 3600),
        .seconds(10 * 3600),
    ])
    /// The seed systems' three attempts with 2^n second backoff, for receivers tuned to them.
    public static let seed = RetrySchedule(delays: [.zero, .seconds(2), .seconds(4)])

    /// A jitter outside 0...1 (or not a number) is clamped into it, and a negative delay counts as zero:
    /// neither can mean anything else.
    public init(delays: [Duration], jitter: Double = 0.2) {
        self.delays = delays.map { Swift.max($0, .zero) }
        self.jitter = jitter.isNaN ? 0 : Swift.min(Swift.max(jitter, 0), 1)
    }

    /// Reads a schedule as configured: `standard`, `seed`, or delays separated by commas such as
    /// `0,5s,5m,30m,2h,5h,10h,10h` (units ms, s, m, h; a bare 0 allowed), 1 to 20 of them, none over 7 days.
    public init(parsing text: String) throws(RetryScheduleError) {
        let trimmed = text.trimmingEdgeWhitespace()
        switch trimmed {
        case "standard":
            self = .standard
            return
        case "seed":
            self = .seed
            return
        case "":
            throw .empty
        default:
            break
        }
        let entries = trimmed.split(separator: ",", omittingEmptySubsequences: false)
        guard entries.count <= Self.attemptLimit else { throw .tooManyDelays(count: entries.count) }
        var delays: [Duration] = []
        for (index, entry) in entries.enumerated() {
            delays.append(try Self.delay(parsing: String(entry).trimmingEdgeWhitespace(), position: index + 1))
        }
        self.init(delays: delays)
    }

    /// How many attempts a delivery gets in all.
    public var attempts: Int { delays.count }

    /// The jittered wait before attempt `attempt + 1`, once attempt `attempt` (counted from 1) failed; nil
    /// when that was the last attempt. Attempt 0 gives the wait before the first attempt.
    public func delay(afterFailedAttempt attempt: Int, using random: inout some RandomNumberGenerator) -> Duration? {
        guard delays.indices.contains(attempt) else { return nil }
        guard jitter > 0 else { return delays[attempt] }
        return delays[attempt] * Double.random(in: (1 - jitter)...(1 + jitter), using: &random)
    }

    private static func delay(parsing entry: String, position: Int) throws(RetryScheduleError) -> Duration {
        if entry == "0" { return .zero }
        let bytes = Array(entry.utf8)
        let digitCount = bytes.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }.count
        let unit = String(decoding: bytes[digitCount...], as: UTF8.self)
        // Nine digits hold 7 days in milliseconds; more cannot be a valid delay and could overflow.
        guard digitCount > 0, let scale = Self.units[unit] else { throw .notADelay(position: position, entry: entry) }
        guard digitCount <= 9, let value = Int64(String(decoding: bytes[..<digitCount], as: UTF8.self)),
            value * scale <= Self.longestDelay.wholeMilliseconds
        else { throw .tooLong(position: position, entry: entry) }
        return .milliseconds(value * scale)
    }

    /// Milliseconds per unit.
    private static let units: [String: Int64] = ["ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000]
}

/// Why a retry schedule was refused, naming the delay at fault so the setting can be fixed.
public enum RetryScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case tooManyDelays(count: Int)
    /// `position` counts from 1.
    case notADelay(position: Int, entry: String)
    case tooLong(position: Int, entry: String)

    public var description: String {
        switch self {
        case .empty:
            return "is empty; give 'standard', 'seed', or delays separated by commas like 0,5s,5m,30m,2h"
        case .tooManyDelays(let count):
            return "has \(count) delays; give 1 to \(RetrySchedule.attemptLimit)"
        case .notADelay(let position, let entry):
            return
                "delay \(position) '\(Self.shown(entry))' is not a whole number with a unit ms, s, m or h (like 500ms, 5s, 30m, 2h), or 0"
        case .tooLong(let position, let entry):
            return "delay \(position) '\(Self.shown(entry))' is longer than 7 days"
        }
    }

    /// Enough of an entry to recognise it; a pasted novel does not belong in an error message.
    private static func shown(_ entry: String) -> String {
        entry.count <= 24 ? entry : entry.prefix(24) + "…"
    }
}
