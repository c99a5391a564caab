extension Migration {
    /// The outbox (events written with the effect, relayed to Redis) and the consumers' idempotency record.
    static let m0001Messaging = Migration(
        version: 1,
        name: "messaging",
        statements: [
            """
            CREATE TABLE outbox (
                id          bigserial   PRIMARY KEY,
                message_id  text        NOT NULL UNIQUE,
                stream      text        NOT NULL,
                type        text        NOT NULL,
                version     integer     NOT NULL,
                occurred_at timestamptz NOT NULL,
                data        text        NOT NULL,
                trace       text,
                created_at  timestamptz NOT NULL DEFAULT now(),
                sent_at     timestamptz
            )
            """,
            // The relay only ever scans unsent rows, oldest first.
            "CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL",
            "CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL",
            """
            CREATE TABLE processed_messages (
                consumer     text        NOT NULL,
                message_id   text        NOT NULL,
                processed_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (consumer, message_id)
            )
            """,
        ]
    )
}
