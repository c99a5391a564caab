extension Migration {
    /// Outgoing webhooks: the endpoints users register, the events the notifier stores for them, one delivery per
    /// (event, endpoint) and every attempt of it.
    ///
    /// A delivery is due when `status = 'pending'` and `next_attempt_at` has passed. A notifier claims it by moving
    /// `next_attempt_at` past the attempt's timeout (a lease) and counting the attempt, so an instance that dies
    /// mid-attempt leaves it due again once the lease ends, and two instances never make the same attempt.
    static let m0023Webhooks = Migration(
        version: 23,
        name: "outgoing webhooks",
        statements: [
            """
            CREATE TABLE webhook_endpoints (
                id                    uuid        PRIMARY KEY,
                user_id               uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                url                   text        NOT NULL,
                description           text        NOT NULL DEFAULT '',
                -- The event types it receives; '{*}' is every type.
                event_types           text[]      NOT NULL CHECK (cardinality(event_types) > 0),
                secret                text        NOT NULL,
                -- After a rotation the old secret signs beside the new one until previous_secret_until.
                previous_secret       text,
                previous_secret_until timestamptz,
                enabled               boolean     NOT NULL DEFAULT true,
                disabled_at           timestamptz,
                disabled_reason       text,
                -- Consecutive failed deliveries, and when the first of them failed.
                failure_count         int4        NOT NULL DEFAULT 0,
                failing_since         timestamptz,
                last_attempt_at       timestamptz,
                created_at            timestamptz NOT NULL DEFAULT now(),
                updated_at            timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX webhook_endpoints_by_user ON webhook_endpoints (user_id, created_at, id)",
            """
            CREATE TABLE webhook_events (
                -- The event's envelope id: the `webhook-id` receivers deduplicate on.
                id          text        PRIMARY KEY,
                user_id     uuid        NOT NULL,
                event_type  text        NOT NULL,
                -- The exact body every endpoint receives.
                payload     text        NOT NULL,
                occurred_at timestamptz NOT NULL,
                created_at  timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX webhook_events_by_age ON webhook_events (created_at)",
            """
            CREATE TABLE webhook_deliveries (
                id                  uuid        PRIMARY KEY,
                event_id            text        NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
                endpoint_id         uuid        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
                -- 'missed': the endpoint was disabled when the event came; `recover` sends it later.
                status              text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'missed')),
                -- A test delivery is attempted once and does not count toward disabling the endpoint.
                is_test             boolean     NOT NULL DEFAULT false,
                attempt_count       int4        NOT NULL DEFAULT 0,
                -- The first attempt of the current round: a manual retry or recover starts the schedule again.
                round_first_attempt int4        NOT NULL DEFAULT 1,
                next_attempt_at     timestamptz,
                created_at          timestamptz NOT NULL DEFAULT now(),
                updated_at          timestamptz NOT NULL DEFAULT now(),
                UNIQUE (event_id, endpoint_id),
                CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
            )
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'",
            "CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, id DESC)",
            """
            CREATE TABLE webhook_attempts (
                delivery_id      uuid        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
                number           int4        NOT NULL,
                attempted_at     timestamptz NOT NULL,
                duration_ms      int4        NOT NULL,
                status_code      int4,
                response_excerpt text,
                error            text,
                PRIMARY KEY (delivery_id, number)
            )
            """,
        ]
    )
}
