import Foundation

extension Migration {
    /// `BALLAST_DEDUP_WINDOW_SECONDS=0` turns the fingerprint check off, also across batches: with a zero
    /// window, `accept_signals` still took an earlier-committed signal of the same content whose
    /// `received_at` was later (concurrent batches commit out of clock order) for a duplicate; the pipeline
    /// benchmark saw 2 % of distinct signals answered 200. `accept_signals` is written out in full:
    /// migration 4's with that one condition added.
    static let m0009DuplicateWindowOff = Migration(
        version: 9,
        name: "a zero duplicate window turns the fingerprint check off",
        statements: [
            """
            CREATE OR REPLACE FUNCTION accept_signals(p_lock_keys text[], p_batch json)
            RETURNS TABLE (n int8, outcome text, signal_id uuid)
            LANGUAGE plpgsql AS $$
            DECLARE
                lock_key text;
                earlier_ids uuid[];
            BEGIN
                -- Accepts of the same content from one source queue here, across transactions and ingest
                -- instances, until commit. Sorted, so two batches never wait on each other in a cycle.
                FOR lock_key IN SELECT DISTINCT k FROM unnest(p_lock_keys) AS k ORDER BY 1 LOOP
                    PERFORM pg_advisory_xact_lock(hashtextextended(lock_key, 0));
                END LOOP;
                -- The duplicate probes, in a new statement, so a new snapshot: it sees what earlier holders
                -- of the locks committed. EXECUTE plans them at every call: a cached plan made while
                -- `signals` was small picked one index for the other with only `source_id` as condition,
                -- and scanned every signal of the source once the table was large (800 signals/s fell to
                -- 270/s within a minute, until the first ANALYZE). Planning this small query is cheap;
                -- the statement below has no such choice and keeps its cached plan.
                EXECUTE $probe$
                    SELECT array_agg(coalesce(
                        (SELECT s.id FROM signals s WHERE s.source_id = r.source_id AND s.client_id = r.client_id),
                        (SELECT s.id FROM signals s
                         WHERE s.source_id = r.source_id AND s.fingerprint = r.fingerprint
                           AND r.window_seconds > 0 AND s.received_at > r.received_at - make_interval(secs => r.window_seconds)
                         ORDER BY s.received_at DESC LIMIT 1)) ORDER BY r.n)
                    FROM json_to_recordset($1) AS r(
                        n int8, source_id uuid, client_id text, fingerprint text, received_at timestamptz,
                        window_seconds int8)
                    $probe$
                    INTO earlier_ids USING p_batch;
                RETURN QUERY
                WITH input AS MATERIALIZED (
                    SELECT r.* FROM json_to_recordset(p_batch) AS r(
                        n int8, id uuid, source_id uuid, user_id uuid, client_id text, fingerprint text,
                        exchange text, symbol text, action text, direction text, quantity numeric, price numeric,
                        order_type text, stop_loss numeric, take_profit numeric, timeframe text, strike numeric,
                        expiration text, strategy text, comment text, signal_time timestamptz, raw json,
                        received_at timestamptz, window_seconds int8, signal_message_id text, signal_data json,
                        event_message_id text, event_data json)
                ),
                earlier AS (
                    -- `n` numbers the batch from 0, in order.
                    SELECT i.n, earlier_ids[i.n + 1] AS existing FROM input i
                ),
                inserted AS (
                    INSERT INTO signals (
                        id, source_id, user_id, client_id, fingerprint, exchange, symbol, action, direction,
                        quantity, price, order_type, stop_loss, take_profit, timeframe, strike, expiration, strategy,
                        comment, signal_time, raw, received_at)
                    SELECT i.id, i.source_id, i.user_id, i.client_id, i.fingerprint, i.exchange, i.symbol, i.action,
                        i.direction, i.quantity, i.price, i.order_type, i.stop_loss, i.take_profit, i.timeframe,
                        i.strike, i.expiration, i.strategy, i.comment, i.signal_time, i.raw::text, i.received_at
                    FROM input i JOIN earlier e USING (n)
                    WHERE e.existing IS NULL
                    ON CONFLICT (source_id, client_id) DO NOTHING
                    RETURNING id
                ),
                published AS (
                    -- The same rows Outbox.enqueue writes.
                    INSERT INTO outbox (message_id, stream, type, version, occurred_at, data)
                    SELECT m.message_id, m.stream, 'signal.received', 1, i.received_at, m.data
                    FROM input i JOIN inserted USING (id)
                    CROSS JOIN LATERAL (VALUES
                        (i.signal_message_id, 'ballast:signals', i.signal_data::text),
                        (i.event_message_id, 'ballast:events', i.event_data::text)) AS m(message_id, stream, data)
                )
                SELECT e.n,
                    CASE WHEN inserted.id IS NOT NULL THEN 'accepted'
                         WHEN e.existing IS NOT NULL THEN 'duplicate'
                         ELSE 'taken' END,
                    coalesce(inserted.id, e.existing)
                FROM earlier e JOIN input i USING (n) LEFT JOIN inserted ON inserted.id = i.id;
            END
            $$
            """
        ]
    )
}
