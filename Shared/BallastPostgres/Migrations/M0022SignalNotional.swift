extension Migration {
    /// A signal can give its size as an amount of the quote currency (the bridge's `quantityType` `dollar_amount`):
    /// `signals.notional`, which signal-processor turns into a quantity at the expected fill price.
    ///
    /// `accept_signals` is written out in full: migration 20's with the column added to the batch's record and to
    /// the insert.
    static let m0022SignalNotional = Migration(
        version: 22,
        name: "signals carry a notional",
        statements: [
            "ALTER TABLE signals ADD COLUMN notional numeric",
            """
            CREATE OR REPLACE FUNCTION accept_signals(p_lock_keys text[], p_batch json)
            RETURNS TABLE (n int8, outcome text, signal_id uuid)
            LANGUAGE plpgsql AS $$
            DECLARE
                lock_key text;
                earlier_ids uuid[];
            BEGIN
                -- Accepts of the same content from one source, without a client id and with the window open,
                -- queue here across transactions and ingest instances until commit (ingest passes only their
                -- keys). Sorted, so two batches never wait on each other in a cycle.
                FOR lock_key IN SELECT DISTINCT k FROM unnest(p_lock_keys) AS k ORDER BY 1 LOOP
                    PERFORM pg_advisory_xact_lock(hashtextextended(lock_key, 0));
                END LOOP;
                -- The duplicate probes, in a new statement so they see what earlier lock holders committed;
                -- planned at every call (see migration 4: a cached plan went bad as `signals` grew).
                -- A client id alone decides: the signal of this source with that id, whatever its content.
                -- Without one, the latest id-less signal of this source with the fingerprint inside the window.
                EXECUTE $probe$
                    SELECT array_agg(CASE WHEN r.client_id IS NOT NULL THEN
                        (SELECT s.id FROM signals s WHERE s.source_id = r.source_id AND s.client_id = r.client_id)
                    ELSE
                        (SELECT s.id FROM signals s
                         WHERE s.source_id = r.source_id AND s.fingerprint = r.fingerprint AND s.client_id IS NULL
                           AND r.window_seconds > 0 AND s.received_at > r.received_at - make_interval(secs => r.window_seconds)
                         ORDER BY s.received_at DESC LIMIT 1)
                    END ORDER BY r.n)
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
                        time_in_force text, expires_at timestamptz, trailing_stop_percent numeric, sentiment text,
                        stop_loss_percent numeric, stop_loss_amount numeric, take_profit_percent numeric,
                        take_profit_amount numeric, notional numeric, received_at timestamptz, window_seconds int8,
                        signal_message_id text, signal_data json, event_message_id text, event_data json)
                ),
                earlier AS (
                    -- `n` numbers the batch from 0, in order.
                    SELECT i.n, earlier_ids[i.n + 1] AS existing FROM input i
                ),
                inserted AS (
                    INSERT INTO signals (
                        id, source_id, user_id, client_id, fingerprint, exchange, symbol, action, direction,
                        quantity, price, order_type, stop_loss, take_profit, timeframe, strike, expiration, strategy,
                        comment, signal_time, raw, received_at, time_in_force, expires_at, trailing_stop_percent,
                        sentiment, stop_loss_percent, stop_loss_amount, take_profit_percent, take_profit_amount, notional)
                    SELECT i.id, i.source_id, i.user_id, i.client_id, i.fingerprint, i.exchange, i.symbol, i.action,
                        i.direction, i.quantity, i.price, i.order_type, i.stop_loss, i.take_profit, i.timeframe,
                        i.strike, i.expiration, i.strategy, i.comment, i.signal_time, i.raw::text, i.received_at,
                        i.time_in_force, i.expires_at, i.trailing_stop_percent, i.sentiment, i.stop_loss_percent,
                        i.stop_loss_amount, i.take_profit_percent, i.take_profit_amount, i.notional
                    FROM input i JOIN earlier e USING (n)
                    WHERE e.existing IS NULL
                    ON CONFLICT (source_id, client_id) DO NOTHING
                    RETURNING id, user_id
                ),
                counted AS (
                    SELECT s.user_id, count(*) AS added FROM inserted s GROUP BY s.user_id
                ),
                numbered AS (
                    -- Users in a fixed order, so two batches lock their rows in the same order.
                    INSERT INTO signal_sequences AS q (user_id, last_sequence)
                    SELECT c.user_id, c.added FROM counted c ORDER BY c.user_id
                    ON CONFLICT (user_id) DO UPDATE SET last_sequence = q.last_sequence + EXCLUDED.last_sequence
                    RETURNING q.user_id, q.last_sequence
                ),
                sequenced AS (
                    SELECT i.*, nb.last_sequence - c.added
                        + row_number() OVER (PARTITION BY i.user_id ORDER BY i.n) AS sequence
                    FROM input i JOIN inserted s ON s.id = i.id
                    JOIN counted c ON c.user_id = i.user_id JOIN numbered nb ON nb.user_id = i.user_id
                ),
                indexed AS (
                    INSERT INTO signal_numbers (user_id, sequence, signal_id)
                    SELECT q.user_id, q.sequence, q.id FROM sequenced q
                ),
                published AS (
                    -- The same rows Outbox.enqueue writes; the signal document gains its sequence.
                    INSERT INTO outbox (message_id, stream, type, version, occurred_at, data)
                    SELECT m.message_id, m.stream, 'signal.received', 1, q.received_at, m.data
                    FROM sequenced q
                    CROSS JOIN LATERAL (VALUES
                        (q.signal_message_id, 'ballast:signals',
                            left(q.signal_data::text, -1) || ',"sequence":' || q.sequence || '}'),
                        (q.event_message_id, 'ballast:events', q.event_data::text)) AS m(message_id, stream, data)
                )
                SELECT e.n,
                    CASE WHEN inserted.id IS NOT NULL THEN 'accepted'
                         WHEN e.existing IS NOT NULL THEN 'duplicate'
                         ELSE 'taken' END,
                    coalesce(inserted.id, e.existing)
                FROM earlier e JOIN input i USING (n) LEFT JOIN inserted ON inserted.id = i.id;
            END
            $$
            """,
        ]
    )
}
