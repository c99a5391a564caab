extension Migration {
    /// Trade ids are the venues' own text (Kraken's `TXXXXX-XXXXX-XXXXXX`, UUIDs), not only numbers: `trades.trade_id`,
    /// the candles' first and last trade ids and `fills.market_trade_id` become `text`, and stored numbers keep their
    /// digits. `COLLATE "C"` compares bytes whatever the database's locale: the keys and the candles' order
    /// (`octet_length(id)`, then the id) are the same everywhere, and digit ids keep their numeric order. An id is 1 to
    /// 64 characters (the application also allows only visible ASCII, `TradeID`).
    ///
    /// No function or view declares these columns' types: `write_account_changes` (migration 11) reads fills through
    /// `json_populate_recordset(NULL::fills, ...)`, which follows the table, and the candle and trade statements live in
    /// the application. The primary key of `trades` and the unique key of `fills` are rebuilt by the type change.
    /// Changing a column's type rewrites its table under an exclusive lock (seconds per million trades): on a large
    /// database, apply it in a quiet moment (`ballast migrate`), not through a rolling restart.
    static let m0018TradeIDsAsText = Migration(
        version: 18,
        name: "trade ids as text",
        statements: [
            // The old check compares with a number; it cannot survive the type change.
            "ALTER TABLE trades DROP CONSTRAINT trades_trade_id_check",
            """
            ALTER TABLE trades
                ALTER COLUMN trade_id TYPE text COLLATE "C" USING trade_id::text,
                ADD CONSTRAINT trades_trade_id_length CHECK (octet_length(trade_id) BETWEEN 1 AND 64)
            """,
            """
            ALTER TABLE candles
                ALTER COLUMN first_trade_id TYPE text COLLATE "C" USING first_trade_id::text,
                ALTER COLUMN last_trade_id TYPE text COLLATE "C" USING last_trade_id::text
            """,
            """
            ALTER TABLE fills
                ALTER COLUMN market_trade_id TYPE text COLLATE "C" USING market_trade_id::text,
                ADD CONSTRAINT fills_market_trade_id_length CHECK (octet_length(market_trade_id) BETWEEN 1 AND 64)
            """,
        ]
    )
}
