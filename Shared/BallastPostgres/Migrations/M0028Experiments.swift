extension Migration {
    /// Strategy routing and A/B experiments.
    ///
    /// - `experiments` and `experiment_variants`: a user's experiment over a scope of their signals (sources, strategies,
    ///   symbols; empty means any), split by weights or run in `shadow` (every variant decides every signal). Each
    ///   variant names a decision engine, its settings and a paper account of its own (`paper_accounts.experiment_id`),
    ///   so the variants' results never mix. A variant's account is not the user's trading account: the trading
    ///   account is the one with neither a portfolio nor an experiment, and its unique index and
    ///   `lock_account_snapshot` say so now.
    /// - `signal_sources.engine`: the engine a source's signals use outside experiments, with overrides per strategy.
    /// - `signals.routing`: where ingest routed the signal when it accepted it (the experiment, its variants' engines and
    ///   accounts, or the source's engine), as the signal document carries it; kept so a signal read back from the
    ///   table (`SignalSequenceGate`) is decided where the webhook answer said. NULL: the trading account, `rules`.
    /// - `experiment_decisions`: which experiment and variant each decision belongs to. The first variant a signal is
    ///   routed to decides under the signal's own id; the others of a shadow experiment under ids derived from it
    ///   (`SignalRouting.decisionID`), each a row of `signal_decisions` like any other.
    ///
    /// Paper options: `signals.strikes_away` and `signals.intrinsic_value` (the bridges' strike selection: so many strikes
    /// from the money, in or out of it) and `signals.volatility` (the annual volatility to price the option at), risk limits on an option order's premium and on the contracts of an option
    /// position, and `option_settlements`, one row per option position settled at expiry (its primary key makes the
    /// settlement happen once).
    ///
    /// `accept_signals` is written out in full: migration 22's with the routing and strike selection added to the batch's
    /// record and to the insert. `lock_account_snapshot` is written out in full: migration 27's with the trading
    /// account's new condition and the option limits.
    static let m0028Experiments = Migration(
        version: 28,
        name: "strategy routing: experiments, variants, engines, routed signals; paper options",
        statements: [
            """
            CREATE TABLE experiments (
                id          uuid        PRIMARY KEY,
                user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                name        text        NOT NULL,
                mode        text        NOT NULL CHECK (mode IN ('split', 'shadow')),
                status      text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'running', 'stopped')),
                -- Empty: any source, strategy or symbol of the user.
                source_ids  uuid[]      NOT NULL DEFAULT '{}',
                strategies  text[]      NOT NULL DEFAULT '{}',
                symbols     text[]      NOT NULL DEFAULT '{}',
                created_at  timestamptz NOT NULL DEFAULT now(),
                updated_at  timestamptz NOT NULL DEFAULT now(),
                started_at  timestamptz,
                stopped_at  timestamptz,
                deleted_at  timestamptz
            )
            """,
            "CREATE INDEX experiments_running ON experiments (user_id) WHERE status = 'running' AND deleted_at IS NULL",
            "ALTER TABLE paper_accounts ADD COLUMN experiment_id uuid REFERENCES experiments (id) ON DELETE CASCADE",
            "DROP INDEX paper_accounts_trading_account",
            """
            CREATE UNIQUE INDEX paper_accounts_trading_account ON paper_accounts (user_id)
                WHERE portfolio_id IS NULL AND experiment_id IS NULL
            """,
            """
            CREATE TABLE experiment_variants (
                experiment_id uuid    NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
                name          text    NOT NULL,
                engine        text    NOT NULL,
                settings      jsonb   NOT NULL DEFAULT '{}',
                -- Percent of the signals; NULL in a shadow experiment.
                weight        numeric CHECK (weight >= 0 AND weight <= 100),
                account_id    uuid    NOT NULL UNIQUE REFERENCES paper_accounts (id) ON DELETE CASCADE,
                PRIMARY KEY (experiment_id, name)
            )
            """,
            """
            CREATE TABLE experiment_decisions (
                decision_id   uuid        PRIMARY KEY,
                signal_id     uuid        NOT NULL,
                experiment_id uuid        NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
                variant       text        NOT NULL,
                account_id    uuid        NOT NULL,
                decided_at    timestamptz NOT NULL DEFAULT clock_timestamp()
            )
            """,
            "CREATE INDEX experiment_decisions_variant ON experiment_decisions (experiment_id, variant)",
            "CREATE INDEX experiment_decisions_signal ON experiment_decisions (signal_id)",
            "ALTER TABLE signal_sources ADD COLUMN engine jsonb",
            // An option expiring worthless settles at 0; every other fill has a price.
            """
            ALTER TABLE fills DROP CONSTRAINT fills_price_check,
                ADD CONSTRAINT fills_price_check CHECK (price > 0 OR (price = 0 AND symbol ~ '-[0-9]{8}-[0-9.]+-[CP]$'))
            """,
            """
            ALTER TABLE signals ADD COLUMN routing jsonb, ADD COLUMN strikes_away integer, ADD COLUMN intrinsic_value text,
                ADD COLUMN volatility numeric
            """,
            """
            ALTER TABLE risk_limits
                ADD COLUMN max_option_premium numeric CHECK (max_option_premium > 0),
                ADD COLUMN max_option_contracts numeric CHECK (max_option_contracts > 0)
            """,
            """
            CREATE TABLE option_settlements (
                position_id      uuid        PRIMARY KEY,
                account_id       uuid        NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
                symbol           text        NOT NULL,
                expiry           timestamptz NOT NULL,
                -- The underlying's price at expiry: the close of its one-minute candle that ends then.
                underlying_price numeric     NOT NULL,
                contracts        numeric     NOT NULL,
                payout           numeric     NOT NULL,
                settled_at       timestamptz NOT NULL DEFAULT clock_timestamp()
            )
            """,
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
                        take_profit_amount numeric, notional numeric, routing json, strikes_away int4, intrinsic_value text,
                        volatility numeric,
                        received_at timestamptz, window_seconds int8,
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
                        sentiment, stop_loss_percent, stop_loss_amount, take_profit_percent, take_profit_amount, notional, routing,
                        strikes_away, intrinsic_value, volatility)
                    SELECT i.id, i.source_id, i.user_id, i.client_id, i.fingerprint, i.exchange, i.symbol, i.action,
                        i.direction, i.quantity, i.price, i.order_type, i.stop_loss, i.take_profit, i.timeframe,
                        i.strike, i.expiration, i.strategy, i.comment, i.signal_time, i.raw::text, i.received_at,
                        i.time_in_force, i.expires_at, i.trailing_stop_percent, i.sentiment, i.stop_loss_percent,
                        i.stop_loss_amount, i.take_profit_percent, i.take_profit_amount, i.notional, i.routing::jsonb,
                        i.strikes_away, i.intrinsic_value, i.volatility
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
            "DROP FUNCTION lock_account_snapshot(uuid, uuid, uuid[], text[])",
            """
            CREATE FUNCTION lock_account_snapshot(p_user uuid, p_account uuid, p_signals uuid[], p_symbols text[])
            RETURNS TABLE(id uuid, user_id uuid, quote_currency text, allow_short boolean, taker_fee_bps numeric,
                maker_fee_bps numeric, slippage_bps numeric, trust_signal_price boolean, venue text, decided uuid[],
                known_symbols text[], balances text, positions text, limits text)
            LANGUAGE plpgsql
            AS $$
            DECLARE
                account paper_accounts;
            BEGIN
                IF p_user IS NOT NULL THEN
                    SELECT * INTO account FROM paper_accounts a WHERE a.user_id = p_user AND a.portfolio_id IS NULL
                        AND a.experiment_id IS NULL FOR UPDATE;
                ELSE
                    SELECT * INTO account FROM paper_accounts a WHERE a.id = p_account FOR UPDATE;
                END IF;
                IF NOT FOUND THEN
                    RETURN;
                END IF;
                RETURN QUERY SELECT
                    account.id, account.user_id, account.quote_currency, account.allow_short, account.taker_fee_bps,
                    account.maker_fee_bps, account.slippage_bps, account.trust_signal_price, account.venue,
                    ARRAY(SELECT d.signal_id FROM signal_decisions d WHERE d.signal_id = ANY(p_signals)),
                    ARRAY(SELECT m.symbol FROM market_symbols m WHERE m.symbol = ANY(p_symbols)),
                    (SELECT json_agg(json_build_array(b.asset, b.available::text, b.locked::text))
                     FROM balances b WHERE b.account_id = account.id)::text,
                    (SELECT json_agg(json_build_array(
                        p.id, p.symbol, p.strategy, p.side, p.quantity::text, p.average_entry_price::text, p.realized_pnl::text,
                        p.mark_price::text, p.stop_loss::text, p.take_profit::text, p.trailing_stop_percent::text,
                        p.best_price::text))
                     FROM positions p WHERE p.account_id = account.id AND p.status = 'open')::text,
                    (SELECT json_build_array(
                        r.max_open_positions, r.max_open_positions_per_symbol, r.max_order_notional::text,
                        r.max_position_percent_of_equity::text, r.max_total_exposure::text, r.min_order_notional::text,
                        r.trading_sessions, r.default_order_notional::text, r.max_option_premium::text,
                        r.max_option_contracts::text)
                     FROM risk_limits r WHERE r.account_id = account.id)::text;
            END
            $$
            """,
        ]
    )
}
