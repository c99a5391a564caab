extension Migration {
    /// Paper trading for signal-processor: accounts, an append-only ledger with the balances it adds up
    /// to, risk limits, the decision on every signal, orders, fills and positions.
    static let m0008PaperTrading = Migration(
        version: 8,
        name: "paper trading",
        statements: [
            """
            CREATE TABLE paper_accounts (
                id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
                user_id            uuid        NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
                quote_currency     text        NOT NULL,
                allow_short        boolean     NOT NULL DEFAULT false,
                taker_fee_bps      numeric     NOT NULL DEFAULT 10 CHECK (taker_fee_bps >= 0),
                maker_fee_bps      numeric     NOT NULL DEFAULT 5 CHECK (maker_fee_bps >= 0),
                slippage_bps       numeric     NOT NULL DEFAULT 5 CHECK (slippage_bps >= 0),
                -- Fill market orders at the signal's own price when it has one, instead of the last trade.
                trust_signal_price boolean     NOT NULL DEFAULT false,
                created_at         timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE ledger_entries (
                id         bigserial   PRIMARY KEY,
                account_id uuid        NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
                asset      text        NOT NULL,
                -- Available or locked (reserved by an open order); a lock moves an amount between the two.
                bucket     text        NOT NULL CHECK (bucket IN ('available', 'locked')),
                amount     numeric     NOT NULL CHECK (amount <> 0),
                kind       text        NOT NULL CHECK (kind IN ('deposit', 'trade', 'fee', 'lock', 'unlock')),
                order_id   uuid,
                fill_id    uuid,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX ledger_entries_account ON ledger_entries (account_id, asset)",
            """
            CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'ledger_entries is append-only';
            END
            $$
            """,
            """
            CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
            FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()
            """,
            """
            CREATE TABLE balances (
                account_id uuid        NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
                asset      text        NOT NULL,
                -- The sums of the ledger, kept in the transaction that writes its entries.
                available  numeric     NOT NULL DEFAULT 0,
                locked     numeric     NOT NULL DEFAULT 0 CHECK (locked >= 0),
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (account_id, asset)
            )
            """,
            """
            CREATE TABLE risk_limits (
                account_id                     uuid        PRIMARY KEY REFERENCES paper_accounts (id) ON DELETE CASCADE,
                max_open_positions             int         CHECK (max_open_positions >= 0),
                max_open_positions_per_symbol  int         CHECK (max_open_positions_per_symbol >= 0),
                max_order_notional             numeric     CHECK (max_order_notional > 0),
                max_position_percent_of_equity numeric     CHECK (max_position_percent_of_equity > 0),
                max_total_exposure             numeric     CHECK (max_total_exposure > 0),
                min_order_notional             numeric     CHECK (min_order_notional >= 0),
                -- [{"exchange": "NYSE", "timeZone": "America/New_York", "days": [1,2,3,4,5], "open": "09:30", "close": "16:00"}]
                trading_sessions               jsonb       NOT NULL DEFAULT '[]',
                updated_at                     timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE signal_decisions (
                signal_id   uuid        PRIMARY KEY,
                user_id     uuid        NOT NULL,
                account_id  uuid,
                status      text        NOT NULL CHECK (status IN ('accepted', 'rejected')),
                -- Every rule the signal failed: [{"rule": "...", "message": "..."}].
                reasons     jsonb       NOT NULL DEFAULT '[]',
                order_id    uuid,
                received_at timestamptz NOT NULL,
                decided_at  timestamptz NOT NULL DEFAULT clock_timestamp()
            )
            """,
            "CREATE INDEX signal_decisions_user ON signal_decisions (user_id, decided_at DESC)",
            """
            CREATE TABLE orders (
                id               uuid        PRIMARY KEY,
                account_id       uuid        NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
                -- The signal id for orders from signals: a redelivered signal finds its order.
                client_order_id  text        NOT NULL,
                signal_id        uuid,
                symbol           text        NOT NULL,
                side             text        NOT NULL CHECK (side IN ('buy', 'sell')),
                type             text        NOT NULL CHECK (type IN ('market', 'limit')),
                time_in_force    text        NOT NULL CHECK (time_in_force IN ('gtc', 'ioc', 'day', 'gtd')),
                limit_price      numeric     CHECK (limit_price > 0),
                quantity         numeric     NOT NULL CHECK (quantity > 0),
                filled_quantity  numeric     NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0 AND filled_quantity <= quantity),
                average_price    numeric,
                fees             numeric     NOT NULL DEFAULT 0,
                status           text        NOT NULL CHECK (status IN ('new', 'partially_filled', 'filled', 'canceled', 'expired', 'rejected')),
                reason           text,
                -- Positions are kept per (account, symbol, strategy): the signal's strategy, '' without one.
                strategy         text        NOT NULL DEFAULT '',
                stop_loss        numeric     CHECK (stop_loss > 0),
                take_profit      numeric     CHECK (take_profit > 0),
                expires_at       timestamptz,
                -- What an open order holds back: the asset and the amount still locked for it.
                locked_asset     text,
                locked_amount    numeric     NOT NULL DEFAULT 0 CHECK (locked_amount >= 0),
                received_at      timestamptz,
                created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
                updated_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
                UNIQUE (account_id, client_order_id)
            )
            """,
            "CREATE INDEX orders_open ON orders (symbol, created_at) WHERE status IN ('new', 'partially_filled')",
            "CREATE INDEX orders_account ON orders (account_id, created_at DESC)",
            """
            CREATE TABLE fills (
                id              uuid        PRIMARY KEY,
                order_id        uuid        NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
                account_id      uuid        NOT NULL,
                symbol          text        NOT NULL,
                side            text        NOT NULL CHECK (side IN ('buy', 'sell')),
                price           numeric     NOT NULL CHECK (price > 0),
                quantity        numeric     NOT NULL CHECK (quantity > 0),
                fee             numeric     NOT NULL CHECK (fee >= 0),
                fee_asset       text        NOT NULL,
                liquidity       text        NOT NULL CHECK (liquidity IN ('maker', 'taker')),
                -- The market trade that filled a resting order: a trade seen twice fills once.
                market_trade_id bigint,
                executed_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
                UNIQUE (order_id, market_trade_id)
            )
            """,
            "CREATE INDEX fills_account ON fills (account_id, executed_at DESC)",
            """
            CREATE TABLE positions (
                id                    uuid        PRIMARY KEY,
                account_id            uuid        NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
                symbol                text        NOT NULL,
                strategy              text        NOT NULL DEFAULT '',
                side                  text        NOT NULL CHECK (side IN ('long', 'short')),
                quantity              numeric     NOT NULL CHECK (quantity >= 0),
                average_entry_price   numeric     NOT NULL CHECK (average_entry_price > 0),
                realized_pnl          numeric     NOT NULL DEFAULT 0,
                mark_price            numeric,
                unrealized_pnl        numeric     NOT NULL DEFAULT 0,
                stop_loss             numeric     CHECK (stop_loss > 0),
                take_profit           numeric     CHECK (take_profit > 0),
                trailing_stop_percent numeric     CHECK (trailing_stop_percent > 0 AND trailing_stop_percent < 100),
                -- The best price since opening (highest for a long, lowest for a short): the trailing stop's anchor.
                best_price            numeric,
                status                text        NOT NULL CHECK (status IN ('open', 'closed')),
                close_reason          text,
                opened_at             timestamptz NOT NULL DEFAULT clock_timestamp(),
                closed_at             timestamptz,
                updated_at            timestamptz NOT NULL DEFAULT clock_timestamp(),
                CHECK ((status = 'open') = (quantity > 0))
            )
            """,
            "CREATE UNIQUE INDEX positions_one_open ON positions (account_id, symbol, strategy) WHERE status = 'open'",
            "CREATE INDEX positions_open_by_symbol ON positions (symbol) WHERE status = 'open'",
            "CREATE INDEX positions_account ON positions (account_id, opened_at DESC)",
        ]
    )
}
