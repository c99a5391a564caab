import Foundation

/// A job as operators see it on the admin port: its settings, its next tick and its latest runs.
public struct JobSummary: Sendable {
    public var name: String
    /// The effective schedule and zone (an override when `isOverridden`).
    public var schedule: String
    public var timeZone: String
    public var declaredSchedule: String
    public var declaredTimeZone: String
    public var isOverridden: Bool
    public var isEnabled: Bool
    public var nextTick: Date?
    public var triggerRequestedAt: Date?
    public var timeout: Duration
    public var catchUp: CatchUpPolicy
    public var recentRuns: [JobRunRecord]
}
