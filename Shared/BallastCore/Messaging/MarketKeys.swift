/// Redis keys market-data writes and other services read (`redis-cli GET ballast:price:BTC-USD`).
public enum MarketKeys {
    /// The last trade's price, as exact decimal text.
    public static func price(_ symbol: String) -> String { "ballast:price:\(symbol)" }
    /// The last trade's time in epoch milliseconds: how fresh `price` is; also keeps a late trade from
    /// overwriting a newer price.
    public static func priceTime(_ symbol: String) -> String { "ballast:price-time:\(symbol)" }
    /// The rolling 24 h ticker as JSON (Binance's field names), with a TTL.
    public static func ticker(_ symbol: String) -> String { "ballast:ticker:\(symbol)" }
    /// The symbol's live market stream (`XRANGE ballast:market:BTC-USD - +`): entries of (WebSocket stream suffix,
    /// Binance-style JSON payload) pairs, `trade`, `kline_1m`, `ticker`, `miniTicker`, ready to send as frames.
    public static func liveStream(_ symbol: String) -> String { "ballast:market:\(symbol)" }
    /// A counter market-data increments after each commit that changes the symbol's candles; cached klines
    /// answers carry it in their key, so a new trade makes every older answer unreachable.
    public static func klinesVersion(_ symbol: String) -> String { "ballast:klines-version:\(symbol)" }
    /// One cached `GET /api/v1/klines` answer of the symbol at candles version `version`; `query` names the interval,
    /// the times and the limit.
    public static func klines(_ symbol: String, version: String, query: String) -> String {
        "ballast:klines:\(symbol):\(version):\(query)"
    }
}
