extension Migration {
    /// The shared scheduler's state: declared jobs with their run-time settings, and one row per run.
    static let m0005Scheduler = Migration(
        version: 5,
        name: "scheduler",
        statements: [
            """
            CREATE TABLE scheduled_jobs (
                name               text        PRIMARY KEY,
                service            text        NOT NULL,
                -- As declared in code; rewritten at every start.
                schedule           text        NOT NULL,
                time_zone          text        NOT NULL,
                -- Set by operators at run time (admin routes); NULL means the declared value.
                override_schedule  text,
                override_time_zone text,
                enabled            boolean     NOT NULL DEFAULT true,
                -- A pending "run now": the time becomes the run's tick, the sequence tells requests apart.
                trigger_requested_at timestamptz,
                trigger_sequence   bigint      NOT NULL DEFAULT 0,
                updated_at         timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE job_runs (
                id            bigserial   PRIMARY KEY,
                job           text        NOT NULL,
                tick          timestamptz NOT NULL,
                trigger       text        NOT NULL CHECK (trigger IN ('schedule', 'manual')),
                instance      text        NOT NULL,
                -- Scheduled ticks passed over since the job's previous scheduled run (overlap, downtime, disabled).
                skipped_before integer    NOT NULL DEFAULT 0,
                started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
                heartbeat_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
                finished_at   timestamptz,
                outcome       text        NOT NULL DEFAULT 'running'
                    CHECK (outcome IN ('running', 'succeeded', 'failed', 'timed_out', 'interrupted', 'abandoned')),
                error         text,
                -- The fence: a tick runs at most once, whatever happens to the Redis lock.
                UNIQUE (job, tick)
            )
            """,
            "CREATE INDEX job_runs_running ON job_runs (job) WHERE finished_at IS NULL",
            "CREATE INDEX job_runs_recent ON job_runs (job, started_at DESC)",
            "CREATE INDEX job_runs_finished ON job_runs (finished_at) WHERE finished_at IS NOT NULL",
        ]
    )
}
