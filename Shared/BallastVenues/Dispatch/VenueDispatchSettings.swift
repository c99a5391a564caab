import BallastCore

/// How `VenueOrderDispatcher` paces its work, from the environment.
public struct VenueDispatchSettings: Sendable {
    /// How often it looks for work when nothing wakes it (`BALLAST_VENUE_POLL_MILLISECONDS`, 500).
    public var pollInterval: Duration
    /// How soon an open order is looked at again after something happened to it, or after it was placed
    /// (`BALLAST_VENUE_FILL_CHECK_MILLISECONDS`, 1,000).
    public var fillCheckInterval: Duration
    /// How soon an open order is looked at again when nothing happened to it since the last look
    /// (`BALLAST_VENUE_RESTING_CHECK_SECONDS`, 15): a resting order costs one call per look of Kraken's call counter,
    /// which regains a point every 2 to 3 seconds on its lower tiers.
    public var restingCheckInterval: Duration
    /// The first wait after a lost answer or a busy exchange, doubled per attempt up to `maximumBackoff`.
    public var firstBackoff: Duration
    public var maximumBackoff: Duration
    /// Attempts before an order the exchange keeps answering busy is given up and rejected
    /// (`BALLAST_VENUE_MAX_ATTEMPTS`, 8).
    public var maximumAttempts: Int
    /// How long after a request whose answer was lost an order not found at the exchange is taken as never arrived
    /// and sent again: a request still queued at the exchange must not be overtaken by its copy
    /// (`BALLAST_VENUE_LOOKUP_GRACE_SECONDS`, 15).
    public var lookupGrace: Duration
    /// How long an account's Redis lock is held at most without being extended.
    public var lockTTL: Duration

    public init(
        pollInterval: Duration = .milliseconds(500), fillCheckInterval: Duration = .seconds(1),
        restingCheckInterval: Duration = .seconds(15), firstBackoff: Duration = .seconds(1),
        maximumBackoff: Duration = .seconds(60), maximumAttempts: Int = 8, lookupGrace: Duration = .seconds(15),
        lockTTL: Duration = .seconds(30)
    ) {
        self.pollInterval = pollInterval
        self.fillCheckInterval = fillCheckInterval
        self.restingCheckInterval = restingCheckInterval
        self.firstBackoff = firstBackoff
        self.maximumBackoff = maximumBackoff
        self.maximumAttempts = maximumAttempts
        self.lookupGrace = lookupGrace
        self.lockTTL = lockTTL
    }

    public init(environment reader: EnvironmentReader) throws {
        self.init(
            pollInterval: .milliseconds(try reader.integer("BALLAST_VENUE_POLL_MILLISECONDS", default: 500, range: 10...60_000)),
            fillCheckInterval: .milliseconds(
                try reader.integer("BALLAST_VENUE_FILL_CHECK_MILLISECONDS", default: 1000, range: 100...600_000)),
            restingCheckInterval: .seconds(try reader.integer("BALLAST_VENUE_RESTING_CHECK_SECONDS", default: 15, range: 1...3600)),
            maximumAttempts: try reader.integer("BALLAST_VENUE_MAX_ATTEMPTS", default: 8, range: 1...100),
            lookupGrace: .seconds(try reader.integer("BALLAST_VENUE_LOOKUP_GRACE_SECONDS", default: 15, range: 0...3600)))
    }

    /// The wait before attempt `attempts + 1`.
    func backoff(after attempts: Int) -> Duration {
        var wait = firstBackoff
        for _ in 1..<max(attempts, 1) where wait < maximumBackoff { wait *= 2 }
        return min(wait, maximumBackoff)
    }
}
