import ServiceLifecycle

/// Exponential backoff with jitter (each delay 50–100 % of its step), for reconnecting to Redis and Postgres.
public struct Backoff: Sendable {
    public var initial: Duration
    public var maximum: Duration
    private var attempt = 0

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(5)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The next delay: `initial × 2^attempt`, capped at `maximum`, scaled by a random factor in [0.5, 1].
    public mutating func nextDelay() -> Duration {
        let exponent = min(attempt, 20)
        attempt += 1
        let ceiling = min(initial * (1 << exponent), maximum)
        return ceiling * Double.random(in: 0.5...1)
    }

    public mutating func reset() { attempt = 0 }

    /// Sleeps for the next delay; throws `CancellationError` when the task is cancelled or a graceful
    /// shutdown begins, so retry loops stop waiting at once.
    public mutating func wait() async throws {
        let delay = nextDelay()
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
    }
}
