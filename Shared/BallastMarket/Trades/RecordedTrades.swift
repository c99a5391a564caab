/// What one batch changed, as committed: the trades stored for the first time and the candles they merged into, each
/// candle in its whole state after the merge (not the batch's partial). A batch delivered again records nothing.
public struct RecordedTrades: Sendable {
    /// The batch's trades that were new, in no particular order.
    public var trades: [Trade]
    /// Every candle the new trades changed, all nine intervals, in no particular order.
    public var candles: [LiveCandle]

    public init(trades: [Trade] = [], candles: [LiveCandle] = []) {
        self.trades = trades
        self.candles = candles
    }

    public var isEmpty: Bool { trades.isEmpty }
}
