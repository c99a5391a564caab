extension Migration {
    /// `claim_job_tick` locks a silent run's row `FOR UPDATE` before it marks the run abandoned. A job body
    /// holds its run's row `FOR KEY SHARE` in each of its transactions (`JobRun.holdFence(on:)`), which only
    /// `FOR UPDATE` waits for: so the claim waits until such a transaction commits, and any transaction of
    /// the old run that starts afterwards finds it abandoned and refuses. Heartbeats and outcomes, plain
    /// `UPDATE`s, do not wait for the body's transactions. The wait is bounded (2 s): an instance frozen
    /// inside a fenced transaction (SIGSTOP, a paused VM) would otherwise hold every claim of the job, and a
    /// pool connection of each waiting instance, until it resumes; the claim answers `busy` instead, and the
    /// run is abandoned by a later claim once its transaction has ended.
    static let m0015JobRunFence = Migration(
        version: 15,
        name: "job_run_fence",
        statements: [
            """
            CREATE OR REPLACE FUNCTION claim_job_tick(
                p_job text, p_tick timestamptz, p_trigger text, p_instance text,
                p_stale_seconds float8, p_trigger_sequence int8
            ) RETURNS TABLE (outcome text, run_id int8, previous_tick timestamptz)
            LANGUAGE plpgsql AS $$
            DECLARE
                new_id int8;
                previous timestamptz;
                stale int8[];
            BEGIN
                -- Serialises the claims of one job, so the checks and the insert see each other's commits.
                PERFORM pg_advisory_xact_lock(hashtextextended('job:' || p_job, 0));
                -- A running row nobody renewed for a whole lock TTL: its instance is gone or frozen. The lock
                -- waits (at most 2 s) for the run's fenced transactions; a heartbeat that lands meanwhile
                -- keeps the run. Only the rows locked here are abandoned.
                BEGIN
                    PERFORM set_config('lock_timeout', '2s', true);
                    SELECT array_agg(r.id) INTO stale FROM (
                        SELECT j.id FROM job_runs AS j
                        WHERE j.job = p_job AND j.finished_at IS NULL
                          AND j.heartbeat_at < clock_timestamp() - make_interval(secs => p_stale_seconds)
                        FOR UPDATE
                    ) AS r;
                    PERFORM set_config('lock_timeout', '0', true);
                EXCEPTION WHEN lock_not_available THEN
                    RETURN QUERY SELECT 'busy'::text, NULL::int8, NULL::timestamptz;
                    RETURN;
                END;
                UPDATE job_runs AS r
                SET finished_at = clock_timestamp(), outcome = 'abandoned',
                    error = 'no heartbeat from ' || r.instance || ' since ' || r.heartbeat_at
                WHERE r.id = ANY(stale)
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
            """
        ]
    )
}
