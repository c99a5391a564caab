import Foundation

/// Arithmetic on a schedule's ticks, kept apart from the runner so it can be tested on its own.
enum TickPlanner {
    /// Beyond this many ticks a count stops: an every-second job down for a day has 86,400.
    static let countLimit = 100_000

    /// The most recent tick in `(cursor, now]`, and how many earlier ticks in that range it passes over;
    /// nil when none is due yet.
    static func latestDue(_ schedule: CronExpression, after cursor: Date, now: Date) -> (tick: Date, passedOver: Int)? {
        guard var tick = schedule.nextFireDate(after: cursor), tick <= now else { return nil }
        var passedOver = 0
        while let next = schedule.nextFireDate(after: tick), next <= now {
            tick = next
            passedOver += 1
            if passedOver == countLimit {
                // Too many to walk: find the last one from `now` backwards, by doubling the distance.
                return (latestTick(of: schedule, from: tick, atOrBefore: now), passedOver)
            }
        }
        return (tick, passedOver)
    }

    /// How many ticks lie strictly between `start` and `end`, up to `countLimit`.
    static func ticks(of schedule: CronExpression, between start: Date, and end: Date) -> Int {
        var count = 0
        var cursor = start
        while count < countLimit, let next = schedule.nextFireDate(after: cursor), next < end {
            count += 1
            cursor = next
        }
        return count
    }

    /// The last tick at or before `now`, knowing that `known` (≤ `now`) is one.
    private static func latestTick(of schedule: CronExpression, from known: Date, atOrBefore now: Date) -> Date {
        var distance = 1.0
        var start = now.addingTimeInterval(-distance)
        while start > known, (schedule.nextFireDate(after: start).map { $0 > now } ?? true) {
            distance *= 2
            start = max(known, now.addingTimeInterval(-distance))
        }
        var tick = max(known, schedule.nextFireDate(after: start) ?? known)
        while let next = schedule.nextFireDate(after: tick), next <= now { tick = next }
        return tick
    }
}
