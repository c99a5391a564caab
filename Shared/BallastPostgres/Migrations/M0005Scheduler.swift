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
            // One round trip per claim. The advisory lock serialises the claims of one job, so the
            // checks and the insert see each other's commits.
            """
            CREATE FUNCTION claim_job_tick(
                p_job text, p_tick timestamptz, p_trigger text, p_instance text,
                p_stale_seconds float8, p_trigger_sequence int8
            ) RETURNS TABLE (outcome text, run_id int8, previous_tick timestamptz)
            LANGUAGE plpgsql AS $$
            DECLARE
                new_id int8;
                previous timestamptz;
            BEGIN
                PERFORM pg_advisory_xact_lock(hashtextextended('job:' || p_job, 0));
                -- A running row nobody renewed for a whole lock TTL: its instance is gone.
                UPDATE job_runs AS r
                SET finished_at = clock_timestamp(), outcome = 'abandoned',
                    error = 'no heartbeat from ' || r.instance || ' since ' || r.heartbeat_at
                WHERE r.job = p_job AND r.finished_at IS NULL
                  AND r.heartbeat_at < clock_timestamp() - make_interval(secs => p_stale_seconds);
                IF EXISTS (SELECT 1 FROM job_runs AS r WHERE r.job = p_job AND r.tick = p_tick) THEN
                    RETURN QUERY SELECT 'already_run'::text, NULL::int8, NULL::timestamptz;
                    RETURN;
                END IF;
                IF EXISTS (SELECT 1 FROM job_runs AS r WHERE r.job = p_job AND r.finished_at IS NULL) THEN
                    RETURN QUERY SELECT 'busy'::text, NULL::int8, NULL::timestamptz;
                    RETURN;
                END IF;
                SELECT max(r.tick) INTO previous FROM job_runs AS r WHERE r.job = p_job AND r.trigger = 'schedule';
                INSERT INTO job_runs (job, tick, trigger, instance)
                VALUES (p_job, p_tick, p_trigger, p_instance)
                RETURNING id INTO new_id;
                IF p_trigger_sequence IS NOT NULL THEN
                    UPDATE scheduled_jobs SET trigger_requested_at = NULL
                    WHERE name = p_job AND trigger_sequence = p_trigger_sequence;
                END IF;
                RETURN QUERY SELECT 'claimed'::text, new_id, previous;
            END
            $$
            """,
        ]
    )
}
