extension Migration {
    /// Exchange venues. An account names where its orders execute (`paper_accounts.venue`: `paper`, the default, or
    /// `kraken`); an exchange account's API key and secret are kept sealed (AES-GCM with `BALLAST_SECRETS_KEY`) in
    /// `venue_credentials`, never in plain text.
    ///
    /// An exchange order is decided and recorded like a paper one, holding back what it may spend, and gets a
    /// `venue_orders` row in the same transaction: the work list of `VenueOrderDispatcher`, which places it after the
    /// commit (`pending` → `submitting`, committed before the request leaves → `open` with the exchange's id, or the
    /// order rejected), follows it until it is done and books its fills. An order left `submitting` (the answer was
    /// lost, or the process died after sending) is looked up at the exchange by its client order id before anything
    /// is sent again. `venue_fills` records each exchange trade booked: its primary key is the exchange's trade id, so a
    /// trade reported twice is booked once.
    ///
    /// `venue_balance_differences` keeps, per account and asset, a difference between the exchange's balance and the
    /// ledger that reconciliation found and reported (`balance.mismatch`); the ledger is never corrected by it.
    static let m0027Venues = Migration(
        version: 27,
        name: "exchange venues: account venue, sealed credentials, venue orders and fills, balance differences",
        statements: [
            """
            ALTER TABLE paper_accounts
                ADD COLUMN venue text NOT NULL DEFAULT 'paper' CHECK (venue IN ('paper', 'kraken'))
            """,
            """
            CREATE TABLE venue_credentials (
                account_id     uuid        PRIMARY KEY REFERENCES paper_accounts (id) ON DELETE CASCADE,
                -- AES-GCM boxes (nonce, ciphertext, tag), authenticated with the account id.
                api_key_sealed bytea       NOT NULL,
                secret_sealed  bytea       NOT NULL,
                -- The key's last four characters, so an operator can tell which key an account uses.
                key_hint       text        NOT NULL,
                created_at     timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE venue_orders (
                order_id        uuid        PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
                account_id      uuid        NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
                venue           text        NOT NULL,
                -- Sent as the exchange's client order id (Kraken's cl_ord_id): a UUID derived from orders.client_order_id.
                client_order_id text        NOT NULL,
                venue_order_id  text,
                state           text        NOT NULL DEFAULT 'pending'
                                CHECK (state IN ('pending', 'submitting', 'open', 'done')),
                cancel_requested boolean    NOT NULL DEFAULT false,
                attempts        integer     NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL DEFAULT now(),
                submitted_at    timestamptz,
                last_error      text,
                created_at      timestamptz NOT NULL DEFAULT now(),
                updated_at      timestamptz NOT NULL DEFAULT now(),
                UNIQUE (account_id, client_order_id)
            )
            """,
            "CREATE INDEX venue_orders_due ON venue_orders (next_attempt_at) WHERE state <> 'done'",
            "CREATE UNIQUE INDEX venue_orders_venue_id ON venue_orders (account_id, venue_order_id) WHERE venue_order_id IS NOT NULL",
            """
            CREATE TABLE venue_fills (
                account_id     uuid        NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
                venue_trade_id text        NOT NULL,
                order_id       uuid        NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
                fill_id        uuid        NOT NULL,
                booked_at      timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (account_id, venue_trade_id)
            )
            """,
            """
            CREATE TABLE venue_balance_differences (
                account_id    uuid        NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
                asset         text        NOT NULL,
                venue_amount  numeric     NOT NULL,
                ledger_amount numeric     NOT NULL,
                first_seen_at timestamptz NOT NULL DEFAULT now(),
                last_seen_at  timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (account_id, asset)
            )
            """,
            // A portfolio may trade its owner's whole trading account (an exchange account's holdings); a deleted one
            // gives the account back.
            "ALTER TABLE portfolios DROP CONSTRAINT portfolios_account_id_key",
            "CREATE UNIQUE INDEX portfolios_account ON portfolios (account_id) WHERE deleted_at IS NULL",
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
                    SELECT * INTO account FROM paper_accounts a WHERE a.user_id = p_user AND a.portfolio_id IS NULL FOR UPDATE;
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
                        r.trading_sessions, r.default_order_notional::text)
                     FROM risk_limits r WHERE r.account_id = account.id)::text;
            END
            $$
            """,
        ]
    )
}
