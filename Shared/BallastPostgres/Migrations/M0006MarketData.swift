extension Migration {
    /// Market trades as market-data received them, and the candles built from them.
    static let m0006MarketData = Migration(
        version: 6,
        name: "market data",
        statements: [
            """
            CREATE TABLE market_symbols (
                symbol         text        PRIMARY KEY,
                first_trade_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE trades (
                symbol      text        NOT NULL,
                -- The venue's trade id: a trade received twice (a replay, a redelivery) is stored once.
                trade_id    bigint      NOT NULL CHECK (trade_id >= 0),
                price       numeric     NOT NULL CHECK (price > 0),
                quantity    numeric     NOT NULL CHECK (quantity > 0),
                side        text        NOT NULL CHECK (side IN ('buy', 'sell')),
                traded_at   timestamptz NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (symbol, trade_id)
            )
            """,
            "CREATE INDEX trades_symbol_time ON trades (symbol, traded_at)",
            """
            CREATE TABLE candles (
                symbol           text    NOT NULL,
                interval         text    NOT NULL CHECK (interval IN ('1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w', '1M')),
                -- Epoch milliseconds, as the klines API answers them.
                open_time        bigint  NOT NULL,
                close_time       bigint  NOT NULL,
                open             numeric NOT NULL,
                high             numeric NOT NULL,
                low              numeric NOT NULL,
                close            numeric NOT NULL,
                volume           numeric NOT NULL,
                quote_volume     numeric NOT NULL,
                -- 0 for an interval without trades, filled with the previous close when it ended.
                trade_count      bigint  NOT NULL,
                -- The earliest and latest trade by (time, id): open and close do not depend on arrival order.
                first_trade_time bigint,
                first_trade_id   bigint,
                last_trade_time  bigint,
                last_trade_id    bigint,
                last_quantity    numeric,
                updated_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (symbol, interval, open_time)
            )
            """,
            "CREATE INDEX candles_recent_minutes ON candles (updated_at) WHERE interval = '1m'",
            """
            CREATE TABLE candle_gaps_filled (
                symbol       text   NOT NULL,
                interval     text   NOT NULL,
                -- Every bucket of the symbol up to this open time has a candle (a flat one where no trade came).
                through_open bigint NOT NULL,
                PRIMARY KEY (symbol, interval)
            )
            """,
        ]
    )
}
