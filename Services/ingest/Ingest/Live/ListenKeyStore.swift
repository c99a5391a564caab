import BallastCore
import BallastRedis
import Foundation

/// Listen keys of user streams, in Redis so that every ingest instance knows them: `ballast:listen-key:<key>` holds the
/// user's id and `ballast:listen-key-of:<user id>` the user's current key, both expiring after the TTL unless kept alive.
/// A user has one current key, as on Binance: asking again returns it with its life extended.
struct ListenKeyStore: Sendable {
    /// Characters of a listen key: 60 letters and digits, about 357 bits.
    static let keyLength = 60

    let redis: RedisClient
    let ttl: Duration

    static func keyName(_ listenKey: String) -> String { "ballast:listen-key:\(listenKey)" }
    static func currentKeyName(of user: UUID) -> String { "ballast:listen-key-of:\(user.uuidString.lowercased())" }

    private var ttlMilliseconds: String { String(ttl.wholeMilliseconds) }

    /// The user's current listen key, extended, or a new one.
    func open(for user: UUID) async throws(RedisError) -> String {
        let userText = user.uuidString.lowercased()
        if let current = try await redis.send("GET", Self.currentKeyName(of: user)).checked().string,
            try await redis.send("GET", Self.keyName(current)).checked().string == userText
        {
            try await extend(current, of: user)
            return current
        }
        let listenKey = RandomToken.generate(bytes: Self.keyLength * 3 / 4)
        let replies = try await redis.pipeline([
            RedisCommand("SET", Self.keyName(listenKey), userText, "PX", ttlMilliseconds),
            RedisCommand("SET", Self.currentKeyName(of: user), listenKey, "PX", ttlMilliseconds),
        ])
        for reply in replies { try reply.checked() }
        return listenKey
    }

    /// Extends `listenKey` by the TTL; false when it is unknown, expired or another user's.
    func keepAlive(_ listenKey: String, of user: UUID) async throws(RedisError) -> Bool {
        guard try await owner(of: listenKey) == user else { return false }
        try await extend(listenKey, of: user)
        return true
    }

    /// Deletes `listenKey`; false when it is unknown, expired or another user's. Its open streams close within the
    /// check interval.
    func close(_ listenKey: String, of user: UUID) async throws(RedisError) -> Bool {
        guard try await owner(of: listenKey) == user else { return false }
        var commands = [RedisCommand("DEL", Self.keyName(listenKey))]
        if try await redis.send("GET", Self.currentKeyName(of: user)).checked().string == listenKey {
            commands.append(RedisCommand("DEL", Self.currentKeyName(of: user)))
        }
        for reply in try await redis.pipeline(commands) { try reply.checked() }
        return true
    }

    /// The user `listenKey` belongs to, or nil when it is unknown or expired.
    func owner(of listenKey: String) async throws(RedisError) -> UUID? {
        try await redis.send("GET", Self.keyName(listenKey)).checked().string.flatMap(UUID.init(uuidString:))
    }

    /// Which of `listenKeys` no longer exist, in one round trip.
    func expired(among listenKeys: [String]) async throws(RedisError) -> Set<String> {
        guard !listenKeys.isEmpty else { return [] }
        let replies = try await redis.pipeline(listenKeys.map { RedisCommand("EXISTS", Self.keyName($0)) })
        var expired = Set<String>()
        for (listenKey, reply) in zip(listenKeys, replies) where try reply.checked().integer == 0 { expired.insert(listenKey) }
        return expired
    }

    private func extend(_ listenKey: String, of user: UUID) async throws(RedisError) {
        let replies = try await redis.pipeline([
            RedisCommand("PEXPIRE", Self.keyName(listenKey), ttlMilliseconds),
            RedisCommand("SET", Self.currentKeyName(of: user), listenKey, "PX", ttlMilliseconds),
        ])
        for reply in replies { try reply.checked() }
    }
}
