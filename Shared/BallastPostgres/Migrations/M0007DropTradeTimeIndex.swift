extension Migration {
    /// Nothing reads trades by time: candles and tickers are built as trades arrive, and the klines and
    /// ticker APIs read candles. The index cost every stored trade a second B-tree insert.
    static let m0007DropTradeTimeIndex = Migration(
        version: 7,
        name: "drop the unused trades time index",
        statements: ["DROP INDEX IF EXISTS trades_symbol_time"]
    )
}
