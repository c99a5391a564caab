extension Migration {
    /// `accept_signal(...)`: the whole accept (duplicate checks, signal row, two outbox rows) in one call,
    /// so ingest pays one round trip per signal instead of eight (see docs/performance.md).
    static let m0003AcceptSignal = Migration(
        version: 3,
        name: "accept signal in one call",
        statements: [
            """
            CREATE FUNCTION accept_signal(
                p_id uuid, p_source uuid, p_user uuid, p_client_id text, p_fingerprint text, p_exchange text,
                p_symbol text, p_action text, p_direction text, p_quantity numeric, p_price numeric, p_order_type text,
                p_stop_loss numeric, p_take_profit numeric, p_timeframe text, p_strike numeric, p_expiration text,
                p_strategy text, p_comment text, p_signal_time timestamptz, p_raw text, p_received_at timestamptz,
                p_window_seconds double precision,
                p_signal_message_id text, p_signal_data text, p_event_message_id text, p_event_data text
            ) RETURNS TABLE (outcome text, signal_id uuid)
            LANGUAGE plpgsql AS $$
            DECLARE
                existing uuid;
            BEGIN
                -- Accepts of the same content from one source queue here, across ingest instances, until commit.
                PERFORM pg_advisory_xact_lock(hashtextextended(p_source::text || '|' || p_fingerprint, 0));
                IF p_client_id IS NOT NULL THEN
                    SELECT id INTO existing FROM signals WHERE source_id = p_source AND client_id = p_client_id;
                    IF FOUND THEN
                        RETURN QUERY SELECT 'duplicate'::text, existing;
                        RETURN;
                    END IF;
                END IF;
                SELECT id INTO existing FROM signals
                WHERE source_id = p_source AND fingerprint = p_fingerprint
                  AND received_at > p_received_at - make_interval(secs => p_window_seconds)
                ORDER BY received_at DESC LIMIT 1;
                IF FOUND THEN
                    RETURN QUERY SELECT 'duplicate'::text, existing;
                    RETURN;
                END IF;
                INSERT INTO signals (
                    id, source_id, user_id, client_id, fingerprint, exchange, symbol, action, direction, quantity, price,
                    order_type, stop_loss, take_profit, timeframe, strike, expiration, strategy, comment, signal_time,
                    raw, received_at)
                VALUES (
                    p_id, p_source, p_user, p_client_id, p_fingerprint, p_exchange, p_symbol, p_action, p_direction,
                    p_quantity, p_price, p_order_type, p_stop_loss, p_take_profit, p_timeframe, p_strike, p_expiration,
                    p_strategy, p_comment, p_signal_time, p_raw, p_received_at)
                ON CONFLICT (source_id, client_id) DO NOTHING;
                IF NOT FOUND THEN
                    -- Another instance committed the same client id, with different content, meanwhile.
                    SELECT id INTO existing FROM signals WHERE source_id = p_source AND client_id = p_client_id;
                    RETURN QUERY SELECT 'duplicate'::text, existing;
                    RETURN;
                END IF;
                -- The same rows Outbox.enqueue writes.
                INSERT INTO outbox (message_id, stream, type, version, occurred_at, data) VALUES
                    (p_signal_message_id, 'ballast:signals', 'signal.received', 1, p_received_at, p_signal_data),
                    (p_event_message_id, 'ballast:events', 'signal.received', 1, p_received_at, p_event_data);
                RETURN QUERY SELECT 'accepted'::text, p_id;
            END
            $$
            """
        ]
    )
}
