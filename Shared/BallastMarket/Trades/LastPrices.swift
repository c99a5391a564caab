import BallastCore
import BallastRedis

/// Keeps `ballast:price:<SYMBOL>` at the price of the latest trade by trade time; a late trade never
/// overwrites a newer price. Sent with the batch's live market entries in one round trip (`LiveMarketPublisher`).
public enum LastPrices {
    /// KEYS[1] price, KEYS[2] its trade time; ARGV[1] price, ARGV[2] trade time (epoch ms).
    static let setIfNewer = """
        local current = tonumber(redis.call('GET', KEYS[2]) or '-1')
        if tonumber(ARGV[2]) >= current then
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('SET', KEYS[2], ARGV[2])
            return 1
        end
        return 0
        """

    /// One script per symbol that sets its price to the latest of `trades`, unless a newer trade set it already.
    public static func commands(for trades: [Trade]) -> [RedisCommand] {
        var latest: [String: Trade] = [:]
        for trade in trades {
            if let known = latest[trade.symbol], known.stamp >= trade.stamp { continue }
            latest[trade.symbol] = trade
        }
        return latest.values.map { trade in
            RedisCommand([
                "EVAL", setIfNewer, "2", MarketKeys.price(trade.symbol), MarketKeys.priceTime(trade.symbol), "\(trade.price)",
                String(trade.time),
            ]).declaringIdempotent()
        }
    }
}
