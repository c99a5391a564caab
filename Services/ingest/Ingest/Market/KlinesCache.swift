import BallastCore
import BallastRedis
import Logging

/// `GET /api/v1/klines` answers kept in Redis for 60 s, as the seed's workers kept candles. Each answer's key holds the
/// symbol's klines version (`MarketKeys.klinesVersion`), which market-data increments after every commit that changes
/// the symbol's candles: an answer read from Postgres before a commit is stored under the version it was asked at, and
/// nobody asks for that version again. Redis failing costs the cache, never the answer: lookups and stores log a
/// warning and the route reads Postgres.
public struct KlinesCache: Sendable {
    static let timeToLive: Duration = .seconds(60)

    /// What a lookup found: the cached answer, or the version to store a fresh one under (nil when Redis failed).
    struct Lookup: Sendable {
        var text: String?
        var version: String?
    }

    let redis: RedisClient
    let logger: Logger

    public init(redis: RedisClient, logger: Logger) {
        self.redis = redis
        self.logger = logger
    }

    /// The cached answer to `query` at the symbol's current klines version.
    func lookup(_ query: KlinesQuery) async -> Lookup {
        do {
            let version = try await redis.send("GET", MarketKeys.klinesVersion(query.symbol)).string ?? "0"
            let text = try await redis.send("GET", Self.key(query, version: version)).string
            return Lookup(text: text, version: version)
        } catch {
            logger.warning("cannot read the klines cache in Redis; reading Postgres", metadata: ["error": .error(error)])
            return Lookup()
        }
    }

    /// Keeps `text`, the answer to `query` read at `version`, for `timeToLive`.
    func store(_ text: String, for query: KlinesQuery, version: String) async {
        do {
            try await redis.send("SET", Self.key(query, version: version), text, "EX", String(Self.timeToLive.components.seconds))
        } catch {
            logger.warning("cannot write the klines cache in Redis", metadata: ["error": .error(error)])
        }
    }

    /// `ballast:klines:BTC-USD:<version>:1m:<startTime|->:<endTime|->:<limit>`.
    static func key(_ query: KlinesQuery, version: String) -> String {
        let start = query.startTime.map(String.init) ?? "-"
        let end = query.endTime.map(String.init) ?? "-"
        return MarketKeys.klines(query.symbol, version: version, query: "\(query.interval.rawValue):\(start):\(end):\(query.limit)")
    }
}
