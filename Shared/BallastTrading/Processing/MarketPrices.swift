import BallastCore
import BallastRedis
import Foundation

/// A symbol's last trade price as market-data keeps it in Redis.
public struct MarketPrice: Sendable, Equatable {
    public var price: Decimal
    public var time: Date

    public init(price: Decimal, time: Date) {
        self.price = price
        self.time = time
    }

    /// Whole seconds since the trade, at `now`.
    func age(at now: Date) -> Int64 { (now.epochMilliseconds - time.epochMilliseconds) / 1_000 }

    /// Recent enough to fill a market order at `now`.
    func isFresh(at now: Date, maxAge: Duration) -> Bool {
        now.epochMilliseconds - time.epochMilliseconds <= maxAge.wholeMilliseconds
    }
}

/// Reads last prices from `ballast:price:<SYMBOL>` and `ballast:price-time:<SYMBOL>`.
public struct MarketPrices: Sendable {
    let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    /// The last price of `symbol`, or nil when market-data has none.
    public func latest(_ symbol: String) async throws -> MarketPrice? {
        let replies = try await redis.pipeline([
            RedisCommand("GET", MarketKeys.price(symbol)), RedisCommand("GET", MarketKeys.priceTime(symbol)),
        ])
        guard replies.count == 2, let priceText = try replies[0].checked().string, let timeText = try replies[1].checked().string,
            let price = ExactDecimal.parse(priceText), let milliseconds = Int64(timeText)
        else { return nil }
        return MarketPrice(price: price, time: Date(epochMilliseconds: milliseconds))
    }
}
