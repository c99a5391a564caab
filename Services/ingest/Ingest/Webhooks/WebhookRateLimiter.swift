import BallastRedis
import Foundation
import Logging

/// Per-source request limit over fixed one-minute windows in Redis, shared by every ingest instance.
///
/// Fails open: if Redis cannot be asked, the request goes through (and is still deduplicated and
/// stored durably); refusing signals because a counter is unreachable would lose trades.
public struct WebhookRateLimiter: Sendable {
    public let redis: RedisClient
    public let requestsPerMinute: Int
    public let logger: Logger

    public init(redis: RedisClient, requestsPerMinute: Int, logger: Logger) {
        self.redis = redis
        self.requestsPerMinute = requestsPerMinute
        self.logger = logger
    }

    /// Counts this request; returns the seconds until the window resets when the source is over its limit.
    public func retryAfter(source: UUID, now: Date = Date()) async -> Int? {
        let minute = Int(now.timeIntervalSince1970) / 60
        let key = "ballast:ratelimit:webhook:\(source.uuidString.lowercased()):\(minute)"
        do {
            let replies = try await redis.pipeline([RedisCommand("INCR", key), RedisCommand("EXPIRE", key, "120")])
            guard let count = try replies.first?.checked().integer else { return nil }
            guard count > requestsPerMinute else { return nil }
            return max(1, 60 - Int(now.timeIntervalSince1970) % 60)
        } catch {
            logger.warning("rate limit unavailable; letting the request through", metadata: ["error": .error(error)])
            return nil
        }
    }
}
