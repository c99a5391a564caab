import BallastRedis
import Foundation
import Testing

@Suite("JSON cache")
struct RedisCacheTests {
    struct Ticker: Codable, Equatable {
        var symbol: String
        var lastPrice: Decimal
    }

    @Test("set, get, getMany and expiry")
    func cache() async throws {
        let client = RedisClient(endpoint: try TestServers.redis)
        let cache = RedisCache(client: client)
        let prefix = TestServers.unique("ballast:test:ticker")
        let btc = Ticker(symbol: "BTC-USD", lastPrice: Decimal(string: "97000.12345678")!)
        try await cache.set("\(prefix):BTC", to: btc, ttl: .seconds(60))
        #expect(try await cache.get("\(prefix):BTC", as: Ticker.self) == btc)
        #expect(try await cache.get("\(prefix):ETH", as: Ticker.self) == nil)
        let many = try await cache.getMany(["\(prefix):BTC", "\(prefix):ETH"], as: Ticker.self)
        #expect(many == [btc, nil])
        let ttl = try await client.send("TTL", "\(prefix):BTC").integer ?? 0
        // Set to 60 s; a loaded test machine may take a while to get here.
        #expect((30...60).contains(ttl))
        try await cache.set("\(prefix):SHORT", to: btc, ttl: .seconds(1))
        try await Task.sleep(for: .milliseconds(1_200))
        #expect(try await cache.get("\(prefix):SHORT", as: Ticker.self) == nil)
    }
}
