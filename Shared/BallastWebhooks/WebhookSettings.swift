import BallastCore

/// How webhooks are delivered, read from the environment in one place for the notifier and for ingest's API
/// (which checks targets and sends test events). See docs/configuration.md.
public struct WebhookSettings: Sendable, Equatable {
    /// How long one attempt may take, connection and response included (`BALLAST_WEBHOOK_TIMEOUT_SECONDS`).
    public var timeout: Duration
    /// When attempts happen (`BALLAST_WEBHOOK_RETRY_SCHEDULE`: `standard`, `seed`, or a list like `0,5s,5m`).
    public var retrySchedule: RetrySchedule
    /// The longest `Retry-After` of a 429 or 503 that is honoured (`BALLAST_WEBHOOK_MAX_RETRY_AFTER_SECONDS`).
    public var maxRetryAfter: Duration
    /// Lets endpoints resolve to private, loopback and link-local addresses (`BALLAST_ALLOW_PRIVATE_TARGETS`).
    public var allowPrivateTargets: Bool
    /// An endpoint is disabled after this many consecutive failed deliveries... (`BALLAST_WEBHOOK_DISABLE_AFTER_FAILURES`)
    public var disableAfterFailures: Int
    /// ...spanning at least this long (`BALLAST_WEBHOOK_DISABLE_AFTER_HOURS`), so a short outage does not disable.
    public var disableAfter: Duration
    /// Attempts one notifier makes at once to one endpoint (`BALLAST_WEBHOOK_ENDPOINT_CONCURRENCY`) ...
    public var endpointConcurrency: Int
    /// ... and to all endpoints together (`BALLAST_WEBHOOK_CONCURRENCY`).
    public var globalConcurrency: Int
    /// How long a previous secret keeps signing after a rotation.
    public var rotationOverlap: Duration = .seconds(24 * 3_600)

    public init(environment: EnvironmentReader = EnvironmentReader()) throws(ConfigurationError) {
        timeout = .seconds(try environment.integer("BALLAST_WEBHOOK_TIMEOUT_SECONDS", default: 10, range: 1...300))
        let scheduleText = environment.string("BALLAST_WEBHOOK_RETRY_SCHEDULE", default: "standard")
        do {
            retrySchedule = try RetrySchedule(parsing: scheduleText)
        } catch {
            throw ConfigurationError(variable: "BALLAST_WEBHOOK_RETRY_SCHEDULE", reason: error.description)
        }
        maxRetryAfter = .seconds(try environment.integer("BALLAST_WEBHOOK_MAX_RETRY_AFTER_SECONDS", default: 3_600, range: 0...86_400))
        allowPrivateTargets = try environment.boolean("BALLAST_ALLOW_PRIVATE_TARGETS", default: false)
        disableAfterFailures = try environment.integer("BALLAST_WEBHOOK_DISABLE_AFTER_FAILURES", default: 10, range: 1...10_000)
        disableAfter = .seconds(try environment.integer("BALLAST_WEBHOOK_DISABLE_AFTER_HOURS", default: 24, range: 0...8_760) * 3_600)
        endpointConcurrency = try environment.integer("BALLAST_WEBHOOK_ENDPOINT_CONCURRENCY", default: 8, range: 1...256)
        globalConcurrency = try environment.integer("BALLAST_WEBHOOK_CONCURRENCY", default: 256, range: 1...10_000)
    }

    /// How long a claimed attempt is kept from other instances: past its timeout, with room for the result's write.
    /// A notifier killed mid-attempt leaves the delivery due again after this.
    public var lease: Duration { timeout + .seconds(10) }
}
