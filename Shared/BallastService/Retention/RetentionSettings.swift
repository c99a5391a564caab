import BallastCore

/// How long `trades`, sent `outbox` rows, `processed_messages` and the webhook delivery log are kept (see
/// docs/configuration.md).
public struct RetentionSettings: Sendable, Equatable {
    public var trades: Duration
    public var webhookEvents: Duration
    public var sentOutbox: Duration
    public var processedMessages: Duration

    public init(environment: EnvironmentReader = EnvironmentReader()) throws(ConfigurationError) {
        trades = .days(try environment.integer("BALLAST_RETENTION_TRADES_DAYS", default: 30, range: 1...36_500))
        webhookEvents = .days(try environment.integer("BALLAST_RETENTION_WEBHOOK_DAYS", default: 30, range: 1...36_500))
        sentOutbox = .hours(try environment.integer("BALLAST_RETENTION_OUTBOX_SENT_HOURS", default: 24, range: 1...87_600))
        processedMessages = .days(
            try environment.integer("BALLAST_RETENTION_PROCESSED_MESSAGES_DAYS", default: 30, range: 1...36_500)
        )
        // An operator re-sends sent outbox rows by clearing `sent_at`; consumers must still know those ids,
        // or the messages take effect twice.
        guard processedMessages > sentOutbox else {
            throw ConfigurationError(
                variable: "BALLAST_RETENTION_PROCESSED_MESSAGES_DAYS",
                reason: "must keep processed message ids longer than sent outbox rows (BALLAST_RETENTION_OUTBOX_SENT_HOURS)"
            )
        }
    }
}

extension Duration {
    fileprivate static func hours(_ count: Int) -> Duration { .seconds(count * 3_600) }
    fileprivate static func days(_ count: Int) -> Duration { .seconds(count * 86_400) }
}
