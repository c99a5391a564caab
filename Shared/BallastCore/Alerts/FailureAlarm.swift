import Foundation

/// Decides, for one worker, when its failures become an alert and when that alert ends. Pure: the times come in as
/// arguments, so the rules are tested with made-up clocks.
///
/// An episode starts when `threshold` failures fall within `window` with no success between them. It raises one alert
/// however many failures follow, and ends, resolved once, at the next success or once a whole window passes without a
/// failure. A success clears the streak: a worker that fails every other time does not raise alert after alert (its
/// failures still show in its own metrics and logs), and failures further apart than the window never add up.
public struct FailureAlarm: Sendable {
    /// One failure: when, what failed (never a bound value or a secret), and the user whose work it was, when known.
    public struct Failure: Sendable, Equatable {
        public var at: Date
        public var error: String
        public var owner: UUID?

        public init(at: Date, error: String, owner: UUID? = nil) {
            self.at = at
            self.error = error
            self.owner = owner
        }
    }

    /// A run of failures that raised an alert.
    public struct Episode: Sendable, Equatable {
        /// When the first failure counted happened.
        public var startedAt: Date
        public var lastFailureAt: Date
        /// Failures counted: `threshold` when raised, every later one of the episode since.
        public var failures: Int
        public var firstError: String
        public var lastError: String
        /// The user every counted failure belonged to; nil when unknown or several. Fixed when raised, so the
        /// resolution reaches whoever heard of the alert.
        public var owner: UUID?

        public init(startedAt: Date, lastFailureAt: Date, failures: Int, firstError: String, lastError: String, owner: UUID?) {
            self.startedAt = startedAt
            self.lastFailureAt = lastFailureAt
            self.failures = failures
            self.firstError = firstError
            self.lastError = lastError
            self.owner = owner
        }
    }

    public enum Transition: Sendable, Equatable {
        case raised(Episode)
        case resolved(Episode, at: Date)

        public var episode: Episode {
            switch self {
            case .raised(let episode), .resolved(let episode, _): episode
            }
        }
    }

    public let threshold: Int
    public let window: Duration
    /// Failures of the current streak still inside the window, oldest first; at most `threshold`.
    private var streak: [Failure] = []
    public private(set) var episode: Episode?

    public init(threshold: Int, window: Duration) {
        precondition(threshold > 0, "threshold must be positive")
        self.threshold = threshold
        self.window = window
    }

    public var isAlerting: Bool { episode != nil }

    /// Counts a failure; `.raised` when it is the one that reaches the threshold.
    public mutating func recordFailure(_ failure: Failure) -> Transition? {
        if var current = episode {
            current.failures += 1
            current.lastError = failure.error
            current.lastFailureAt = failure.at
            episode = current
            return nil
        }
        let window = self.window.inSeconds
        streak.removeAll { failure.at.timeIntervalSince($0.at) >= window }
        streak.append(failure)
        guard streak.count >= threshold, let first = streak.first else { return nil }
        let owner = streak.allSatisfy { $0.owner == first.owner } ? first.owner : nil
        let raised = Episode(
            startedAt: first.at, lastFailureAt: failure.at, failures: streak.count, firstError: first.error, lastError: failure.error,
            owner: owner)
        episode = raised
        streak = []
        return .raised(raised)
    }

    /// Counts a success: it breaks the streak, and ends an episode (`.resolved`).
    public mutating func recordSuccess(at time: Date) -> Transition? {
        streak = []
        return resolve(at: time)
    }

    /// Ends an episode whose last failure is a whole window old: a worker that stopped failing but has had nothing to
    /// do since (a quiet stream) is not left alerting.
    public mutating func resolveIfQuiet(at time: Date) -> Transition? {
        guard let current = episode, !isWithinWindow(current.lastFailureAt, of: time) else { return nil }
        return resolve(at: time)
    }

    private mutating func resolve(at time: Date) -> Transition? {
        guard let ended = episode else { return nil }
        episode = nil
        return .resolved(ended, at: time)
    }

    private func isWithinWindow(_ earlier: Date, of time: Date) -> Bool {
        time.timeIntervalSince(earlier) < window.inSeconds
    }
}
