/// Redis keys market-data writes and other services read (`redis-cli GET ballast:price:BTC-USD`).
public enum MarketKeys {
    /// The last trade's price, as exact decimal text.
    public static func price(_ symbol: String) -> String { "ballast:price:\(symbol)" }
    /// The last trade's time in epoch milliseconds: how fresh `price` is; also keeps a late trade from
    /// overwriting a newer price.
    public static func priceTime(_ symbol: String) -> String { "ballast:price-time:\(symbol)" }
    /// The rolling 24 h ticker as JSON (Binance's field names), with a TTL.
    public static func ticker(_ symbol: String) -> String { "ballast:ticker:\(symbol)" }
}
