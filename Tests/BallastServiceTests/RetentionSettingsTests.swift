import BallastCore
import BallastService
import Testing

@Suite("Retention settings")
struct RetentionSettingsTests {
    @Test("defaults: trades 30 days, sent outbox rows 24 h, processed message ids 30 days")
    func defaults() throws {
        let settings = try RetentionSettings(environment: EnvironmentReader([:]))
        #expect(settings.trades == .seconds(30 * 86_400))
        #expect(settings.sentOutbox == .seconds(24 * 3_600))
        #expect(settings.processedMessages == .seconds(30 * 86_400))
    }

    @Test(
        "values are read in their units",
        arguments: [
            ("BALLAST_RETENTION_TRADES_DAYS", "7", \RetentionSettings.trades, Duration.seconds(7 * 86_400)),
            ("BALLAST_RETENTION_OUTBOX_SENT_HOURS", "72", \RetentionSettings.sentOutbox, Duration.seconds(72 * 3_600)),
            ("BALLAST_RETENTION_PROCESSED_MESSAGES_DAYS", "90", \RetentionSettings.processedMessages, Duration.seconds(90 * 86_400)),
        ]
    )
    func units(variable: String, value: String, setting: KeyPath<RetentionSettings, Duration> & Sendable, expected: Duration) throws {
        let settings = try RetentionSettings(environment: EnvironmentReader([variable: value]))
        #expect(settings[keyPath: setting] == expected)
    }

    @Test(
        "unusable values name their variable",
        arguments: [
            (["BALLAST_RETENTION_TRADES_DAYS": "0"], "BALLAST_RETENTION_TRADES_DAYS"),
            (["BALLAST_RETENTION_OUTBOX_SENT_HOURS": "a day"], "BALLAST_RETENTION_OUTBOX_SENT_HOURS"),
            (["BALLAST_RETENTION_PROCESSED_MESSAGES_DAYS": "-1"], "BALLAST_RETENTION_PROCESSED_MESSAGES_DAYS"),
            // Processed ids must outlive sent outbox rows, which an operator may send again.
            (["BALLAST_RETENTION_OUTBOX_SENT_HOURS": "720"], "BALLAST_RETENTION_PROCESSED_MESSAGES_DAYS"),
            (
                ["BALLAST_RETENTION_OUTBOX_SENT_HOURS": "48", "BALLAST_RETENTION_PROCESSED_MESSAGES_DAYS": "1"],
                "BALLAST_RETENTION_PROCESSED_MESSAGES_DAYS"
            ),
        ]
    )
    func unusable(values: [String: String], variable: String) {
        #expect {
            try RetentionSettings(environment: EnvironmentReader(values))
        } throws: { error in
            (error as? ConfigurationError)?.variable == variable
        }
    }
}
