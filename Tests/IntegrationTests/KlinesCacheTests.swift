import BallastCore
import BallastRedis
import BallastService
import BallastTestSupport
import BallastUsers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import BallastMarket
@testable import Ingest
@testable import MarketData

@Suite("GET /api/v1/klines from the Redis cache, invalidated by new trades, Postgres when Redis fails")
struct KlinesCacheTests {
    /// `GET /api/v1/klines?<query>` through ingest's klines route on `database`, with `cache` or none.
    static func get(_ database: PostgresClient, _ query: String, cache: KlinesCache? = nil) async throws -> (HTTPResponse.Status, String) {
        let users = UserStore(database: database, logger: TestServers.logger)
        let name = TestServers.unique("klines")
        try await users.createUser(named: name)
        let key = try await users.createAPIKey(forUser: name).key
        let router = Router(context: IngestRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        let api = router.group("api/v1").add(middleware: APIKeyMiddleware(users: users))
        KlinesController(reader: CandleReader(database: database, logger: TestServers.logger, cache: cache))
            .addRoutes(to: api.group("klines"))
        return try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/v1/klines?\(query)", method: .get, headers: [.authorization: "Bearer \(key)"]) {
                ($0.status, String(buffer: $0.body))
            }
        }
    }

    @Test("a second read is a hit; a committed batch of the symbol makes the next read fresh; Redis down still answers")
    func cache() async throws {
        try await TestDatabase.with { database, _ in
            let symbol = LiveMarketStreamTests.symbol()
            let minute = LiveMarketStreamTests.minute
            let redis = RedisClient(endpoint: try TestServers.redis)
            let cache = KlinesCache(redis: redis, logger: TestServers.logger)
            let consumer = try MarketDataPipelineTests.consumer(database)
            _ = await consumer.handle(
                MarketDataPipelineTests.messages([try LiveMarketStreamTests.trade(symbol, 1, at: minute + 10, price: "100")]))
            let query = "symbol=\(symbol.lowercased())&interval=1m&limit=5"

            let first = try await Self.get(database, query, cache: cache)
            #expect(first.0 == .ok)
            #expect(first.1 == (try await Self.get(database, query)).1)
            // The answer is kept under the symbol's klines version (1: one batch committed), for 60 s.
            let parsed = try KlinesQuery(parameters: ["symbol": symbol, "interval": "1m", "limit": "5"])
            let key = KlinesCache.key(parsed, version: "1")
            #expect(try await redis.send("GET", key).string == first.1)
            #expect((55...60).contains(try await redis.send("TTL", key).integer ?? 0))
            // A hit is served from Redis: what the cache holds is what the route answers.
            try await redis.send("SET", key, "[]", "EX", "60")
            #expect(try await Self.get(database, query, cache: cache).1 == "[]")

            // New trades of the symbol: the next read is fresh and cached under the next version.
            _ = await consumer.handle(
                MarketDataPipelineTests.messages([try LiveMarketStreamTests.trade(symbol, 2, at: minute + 70_000, price: "101")]))
            let fresh = try await Self.get(database, query, cache: cache)
            #expect(fresh.0 == .ok)
            #expect(fresh.1 == (try await Self.get(database, query)).1)
            #expect(fresh.1.contains(#""101""#))
            #expect(try await redis.send("GET", KlinesCache.key(parsed, version: "2")).string == fresh.1)

            // An unknown symbol is still a 400, and nothing is cached for it.
            let unknown = "NOPE\(UUID().uuidString.prefix(6))-USD"
            #expect(try await Self.get(database, "symbol=\(unknown)&interval=1m", cache: cache).0 == .badRequest)
            #expect(try await redis.send("KEYS", "ballast:klines:\(unknown.uppercased()):*").array?.isEmpty == true)

            // Redis unreachable: the route reads Postgres.
            let down = KlinesCache(
                redis: RedisClient(endpoint: RedisEndpoint(host: "127.0.0.1", port: try freePort()), commandTimeout: .seconds(1)),
                logger: TestServers.logger)
            let withoutRedis = try await Self.get(database, query, cache: down)
            #expect(withoutRedis.0 == .ok)
            #expect(withoutRedis.1 == fresh.1)
        }
    }
}
