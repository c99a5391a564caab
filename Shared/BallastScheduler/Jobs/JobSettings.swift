import Foundation

/// A job's run-time settings, shared by every instance through `scheduled_jobs`.
struct JobSettings: Sendable, Equatable {
    struct Trigger: Sendable, Equatable {
        let requestedAt: Date
        let sequence: Int64
    }

    /// The effective schedule: an operator's override, else the declared one.
    var schedule: String
    var timeZone: String
    var isOverridden: Bool
    var isEnabled: Bool
    /// A "run now" no instance has taken yet.
    var pendingTrigger: Trigger?

    /// The schedule as an expression; nil when the stored text no longer parses (the declared one is used).
    var expression: CronExpression? {
        guard let zone = TimeZone(identifier: timeZone) else { return nil }
        return try? CronExpression(schedule, timeZone: zone)
    }
}
