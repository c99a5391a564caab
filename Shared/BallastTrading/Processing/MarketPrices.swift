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

    /// The last prices of `symbols` in one round trip; a symbol market-data has no price for is left out.
    public func latest(_ symbols: [String]) async throws -> [String: MarketPrice] {
        guard !symbols.isEmpty else { return [:] }
        let reply = try await redis.send(RedisCommand(["MGET"] + symbols.map(MarketKeys.price) + symbols.map(MarketKeys.priceTime)))
        guard case .array(let values) = try reply.checked(), values.count == 2 * symbols.count else { return [:] }
        var prices: [String: MarketPrice] = [:]
        for (index, symbol) in symbols.enumerated() {
            guard let priceText = values[index].string, let timeText = values[symbols.count + index].string,
                let price = ExactDecimal.parse(priceText), let milliseconds = Int64(timeText)
            else { continue }
            prices[symbol] = MarketPrice(price: price, time: Date(epochMilliseconds: milliseconds))
        }
        return prices
    }
}
