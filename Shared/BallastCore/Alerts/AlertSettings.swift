/// When repeated worker failures raise a `system.alert` (see docs/configuration.md, Alerts).
public struct AlertSettings: Sendable, Equatable {
    /// Failures, with no success between them, that raise an alert.
    public var failures: Int
    /// How close together those failures must be; also how long a worker in an episode must stay quiet for it to end.
    public var window: Duration

    public init(failures: Int = 5, window: Duration = .seconds(300)) {
        self.failures = failures
        self.window = window
    }

    public init(environment: EnvironmentReader) throws(ConfigurationError) {
        self.init(
            failures: try environment.integer("BALLAST_ALERT_FAILURES", default: 5, range: 1...10_000),
            window: .seconds(try environment.integer("BALLAST_ALERT_WINDOW_SECONDS", default: 300, range: 1...86_400))
        )
    }
}
