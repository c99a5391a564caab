extension Migration {
    /// Users, their API keys and signal sources, and the signals ingest accepts.
    static let m0002Signals = Migration(
        version: 2,
        name: "signals",
        statements: [
            """
            CREATE TABLE users (
                id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
                name       text        NOT NULL UNIQUE,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE api_keys (
                id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
                user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                -- SHA-256 of the key; the key itself is shown once and never stored.
                key_hash   text        NOT NULL UNIQUE,
                prefix     text        NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                revoked_at timestamptz
            )
            """,
            """
            CREATE TABLE signal_sources (
                id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
                user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                name       text        NOT NULL,
                -- Needed in clear to verify HMAC signatures; never logged or returned after creation.
                secret     text        NOT NULL,
                is_default boolean     NOT NULL DEFAULT false,
                created_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (user_id, name)
            )
            """,
            // `POST /webhook` (no source id) goes to the one default source.
            "CREATE UNIQUE INDEX signal_sources_one_default ON signal_sources (is_default) WHERE is_default",
            """
            CREATE TABLE signals (
                id          uuid        PRIMARY KEY,
                source_id   uuid        NOT NULL REFERENCES signal_sources (id) ON DELETE CASCADE,
                user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                client_id   text,
                fingerprint text        NOT NULL,
                exchange    text,
                symbol      text        NOT NULL,
                action      text        NOT NULL,
                direction   text,
                quantity    numeric,
                price       numeric,
                order_type  text        NOT NULL,
                stop_loss   numeric,
                take_profit numeric,
                timeframe   text,
                strike      numeric,
                expiration  text,
                strategy    text,
                comment     text,
                signal_time timestamptz,
                raw         text        NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (source_id, client_id)
            )
            """,
            // The duplicate window looks up recent signals of a source by fingerprint.
            "CREATE INDEX signals_recent_by_fingerprint ON signals (source_id, fingerprint, received_at DESC)",
            "CREATE INDEX signals_by_user ON signals (user_id, received_at DESC, id)",
        ]
    )
}
