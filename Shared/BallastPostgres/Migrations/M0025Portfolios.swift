extension Migration {
    /// Portfolios and their rebalance runs. Each portfolio trades in a paper account of its own
    /// (`paper_accounts.portfolio_id`), so a user's signal trading account stays the one account per user without a
    /// portfolio; the lookups by user skip portfolio accounts, and `lock_account_snapshot` (written out in full,
    /// migration 21's with that condition) does too.
    ///
    /// A portfolio has at most one active run (`pending` or `running`): the unique index is the guard that holds
    /// when a lock is lost. A running run holds a lease (`lease_until`); one whose lease ran out was left by a
    /// stopped instance and is taken over.
    static let m0025Portfolios = Migration(
        version: 25,
        name: "portfolios and rebalance runs",
        statements: [
            "ALTER TABLE paper_accounts ADD COLUMN portfolio_id uuid UNIQUE",
            "ALTER TABLE paper_accounts DROP CONSTRAINT paper_accounts_user_id_key",
            "CREATE UNIQUE INDEX paper_accounts_trading_account ON paper_accounts (user_id) WHERE portfolio_id IS NULL",
            """
            CREATE TABLE portfolios (
                id                 uuid        PRIMARY KEY,
                user_id            uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                account_id         uuid        NOT NULL UNIQUE REFERENCES paper_accounts (id) ON DELETE CASCADE,
                name               text        NOT NULL,
                quote_currency     text        NOT NULL,
                -- {"BTC": "60", "ETH": "40"}: percent per asset, summing to 100 (the quote currency may have one: cash kept).
                target_weights     jsonb       NOT NULL,
                method             text        NOT NULL CHECK (method IN ('none', 'drift', 'scheduled', 'hybrid')),
                -- 'hourly', 'daily', 'weekly', 'monthly' or 'cron'; `schedule` is the cron expression either way.
                schedule_interval  text        NOT NULL,
                schedule           text        NOT NULL,
                time_zone          text        NOT NULL,
                drift_threshold    numeric     NOT NULL CHECK (drift_threshold >= 0),
                threshold_relative boolean     NOT NULL DEFAULT false,
                rebalance_to       text        NOT NULL CHECK (rebalance_to IN ('target', 'band')),
                min_trade_value    numeric     NOT NULL CHECK (min_trade_value >= 0),
                max_orders         int4        CHECK (max_orders > 0),
                dry_run            boolean     NOT NULL DEFAULT false,
                paused             boolean     NOT NULL DEFAULT false,
                -- The drift monitor's last finding: an event and a run only when it turns true (once per crossing).
                over_threshold     boolean     NOT NULL DEFAULT false,
                last_rebalanced_at timestamptz,
                next_rebalance_at  timestamptz,
                created_at         timestamptz NOT NULL DEFAULT now(),
                updated_at         timestamptz NOT NULL DEFAULT now(),
                deleted_at         timestamptz
            )
            """,
            "CREATE UNIQUE INDEX portfolios_name_per_user ON portfolios (user_id, lower(name)) WHERE deleted_at IS NULL",
            "CREATE INDEX portfolios_by_user ON portfolios (user_id, created_at, id) WHERE deleted_at IS NULL",
            "CREATE INDEX portfolios_monitored ON portfolios (id) WHERE deleted_at IS NULL AND NOT paused AND method IN ('drift', 'hybrid')",
            """
            CREATE INDEX portfolios_due ON portfolios (next_rebalance_at)
            WHERE deleted_at IS NULL AND NOT paused AND method IN ('scheduled', 'hybrid')
            """,
            """
            CREATE TABLE rebalance_runs (
                id                 uuid        PRIMARY KEY,
                portfolio_id       uuid        NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
                user_id            uuid        NOT NULL,
                triggered_by       text        NOT NULL CHECK (triggered_by IN ('schedule', 'drift', 'manual', 'api')),
                dry_run            boolean     NOT NULL,
                status             text        NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
                requested_at       timestamptz NOT NULL DEFAULT now(),
                started_at         timestamptz,
                finished_at        timestamptz,
                -- The instance running it, until when, and how many times it was started.
                runner             text,
                lease_until        timestamptz,
                attempts           int4        NOT NULL DEFAULT 0,
                -- What the plan was made from (`RebalanceInputs`) and the plan (`RebalancePlan`).
                inputs             jsonb,
                plan               jsonb,
                -- Each planned order's outcome: client order id, order id, status, filled quantity, price, fee, reason.
                orders             jsonb       NOT NULL DEFAULT '[]',
                errors             jsonb       NOT NULL DEFAULT '[]',
                value_before       numeric,
                value_after        numeric,
                orders_planned     int4        NOT NULL DEFAULT 0,
                orders_executed    int4        NOT NULL DEFAULT 0,
                orders_failed      int4        NOT NULL DEFAULT 0,
                total_value_traded numeric     NOT NULL DEFAULT 0
            )
            """,
            "CREATE UNIQUE INDEX rebalance_runs_one_active ON rebalance_runs (portfolio_id) WHERE status IN ('pending', 'running')",
            "CREATE INDEX rebalance_runs_by_portfolio ON rebalance_runs (portfolio_id, requested_at DESC, id DESC)",
            "CREATE INDEX rebalance_runs_finished ON rebalance_runs (finished_at) WHERE status IN ('completed', 'failed')",
            "CREATE INDEX rebalance_runs_active ON rebalance_runs (lease_until) WHERE status IN ('pending', 'running')",
            """
            CREATE OR REPLACE FUNCTION lock_account_snapshot(p_user uuid, p_account uuid, p_signals uuid[], p_symbols text[])
            RETURNS TABLE (
                id uuid, user_id uuid, quote_currency text, allow_short boolean, taker_fee_bps numeric, maker_fee_bps numeric,
                slippage_bps numeric, trust_signal_price boolean, decided uuid[], known_symbols text[], balances text,
                positions text, limits text
            )
            LANGUAGE plpgsql AS $$
            DECLARE
                account paper_accounts;
            BEGIN
                IF p_user IS NOT NULL THEN
                    SELECT * INTO account FROM paper_accounts a WHERE a.user_id = p_user AND a.portfolio_id IS NULL FOR UPDATE;
                ELSE
                    SELECT * INTO account FROM paper_accounts a WHERE a.id = p_account FOR UPDATE;
                END IF;
                IF NOT FOUND THEN
                    RETURN;
                END IF;
                RETURN QUERY SELECT
                    account.id, account.user_id, account.quote_currency, account.allow_short, account.taker_fee_bps,
                    account.maker_fee_bps, account.slippage_bps, account.trust_signal_price,
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
                        r.trading_sessions, r.default_order_notional::text)
                     FROM risk_limits r WHERE r.account_id = account.id)::text;
            END
            $$
            """,
        ]
    )
}
