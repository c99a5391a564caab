import BallastCore
import Foundation

/// The `data` of `system.alert` and `system.alert.resolved`: which worker of which process failed, how often, and what
/// failed first and last (error diagnoses: SQLSTATE, constraint, error type; never bound values or secrets).
public struct SystemAlert: Encodable, Sendable, Equatable {
    /// A worker failed `BALLAST_ALERT_FAILURES` times within `BALLAST_ALERT_WINDOW_SECONDS`, with no success between.
    public static let raised = "system.alert"
    /// The episode of a `system.alert` ended: the worker succeeded, or a whole window passed without a failure.
    public static let resolved = "system.alert.resolved"

    public var worker: String
    public var service: String
    public var instance: String
    /// Failures counted: those that raised the alert, and in a resolution every failure of the episode.
    public var failures: Int
    public var windowSeconds: Int
    public var firstError: String
    public var lastError: String
    public var startedAt: Date
    public var lastFailureAt: Date
    /// Only in `system.alert.resolved`.
    public var resolvedAt: Date?

    public init(_ notice: WorkerAlarms.Notice, service: String, instance: String, window: Duration) {
        let episode: FailureAlarm.Episode
        switch notice.transition {
        case .raised(let raised):
            episode = raised
            resolvedAt = nil
        case .resolved(let ended, let time):
            episode = ended
            resolvedAt = time
        }
        worker = notice.worker
        self.service = service
        self.instance = instance
        failures = episode.failures
        windowSeconds = Int(window.inSeconds)
        firstError = episode.firstError
        lastError = episode.lastError
        startedAt = episode.startedAt
        lastFailureAt = episode.lastFailureAt
    }

    /// The event's type.
    public var type: String { resolvedAt == nil ? Self.raised : Self.resolved }

    /// When it happened: the failure that raised it, or its resolution.
    public var occurredAt: Date { resolvedAt ?? lastFailureAt }
}
