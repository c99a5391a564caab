import BallastCore
import BallastRedis

/// Keeps `ballast:price:<SYMBOL>` at the price of the latest trade by trade time; a late trade never
/// overwrites a newer price.
public struct LastPrices: Sendable {
    let redis: RedisClient

    public init(redis: RedisClient) {
        self.redis = redis
    }

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

    /// Publishes the latest of `trades` per symbol, pipelined.
    public func update(with trades: [Trade]) async throws(RedisError) {
        var latest: [String: Trade] = [:]
        for trade in trades {
            if let known = latest[trade.symbol], known.stamp >= trade.stamp { continue }
            latest[trade.symbol] = trade
        }
        guard !latest.isEmpty else { return }
        let commands = latest.values.map { trade in
            RedisCommand([
                "EVAL", Self.setIfNewer, "2", MarketKeys.price(trade.symbol), MarketKeys.priceTime(trade.symbol),
                "\(trade.price)", String(trade.time),
            ]).declaringIdempotent()
        }
        for reply in try await redis.pipeline(commands) { _ = try reply.checked() }
    }
}
