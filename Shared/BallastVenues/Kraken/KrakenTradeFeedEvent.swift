/// What the Kraken trade feed reports as it runs, for metrics (market-data turns these into counters) and tests.
public enum KrakenTradeFeedEvent: Sendable, Equatable {
    /// Every symbol's subscription was acknowledged: trades flow.
    case subscribed
    /// Trades of `symbol` put on the stream.
    case published(symbol: String, count: Int)
    /// Trades of `symbol` already on the stream (a snapshot after a reconnect, another feed), not put there again.
    case skipped(symbol: String, count: Int)
    /// A frame or trade that could not be published (malformed, more than eight decimal places), with the reason.
    case rejected(String)
    /// The connection failed or could not be made; the feed waits, then makes attempt `attempt + 1` of this outage.
    case disconnected(attempt: Int, reason: String)
}
