extension Migration {
    /// The retention jobs delete the oldest trades and processed message ids in batches; without an index
    /// on the time column each batch would scan the table. Sent outbox rows already have one
    /// (`outbox_sent_at`, migration 1). This brings back a time index on trades, which migration 7 dropped
    /// while nothing read trades by time. The migration builds them in its transaction, which blocks writes
    /// to `trades` and `processed_messages` while they build (seconds per million rows): on a large
    /// existing table, apply it in a quiet moment (`ballast migrate`), not through a rolling restart.
    static let m0016RetentionIndexes = Migration(
        version: 16,
        name: "indexes for the retention jobs",
        statements: [
            "CREATE INDEX trades_traded_at ON trades (traded_at)",
            "CREATE INDEX processed_messages_processed_at ON processed_messages (processed_at)",
        ]
    )
}
