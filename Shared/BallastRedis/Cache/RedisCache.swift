import BallastCore
import Foundation

/// JSON values in Redis with a time to live: tickers, last prices and other derived, rebuildable data.
public struct RedisCache: Sendable {
    public let client: RedisClient

    public init(client: RedisClient) {
        self.client = client
    }

    /// Stores `value` as JSON under `key` for `ttl` (`SET key json EX seconds`).
    public func set(_ key: String, to value: some Encodable, ttl: Duration) async throws {
        let json = String(decoding: try JSONCoding.encoder.encode(value), as: UTF8.self)
        let seconds = max(1, ttl.components.seconds)
        try await client.send("SET", key, json, "EX", String(seconds))
    }

    /// The value under `key`, or nil when absent or expired.
    public func get<Value: Decodable>(_ key: String, as type: Value.Type) async throws -> Value? {
        guard let json = try await client.send("GET", key).string else { return nil }
        return try JSONCoding.decoder.decode(Value.self, from: Data(json.utf8))
    }

    /// The values under `keys` in one round trip (`MGET`), nil where absent.
    public func getMany<Value: Decodable>(_ keys: [String], as type: Value.Type) async throws -> [Value?] {
        guard !keys.isEmpty else { return [] }
        let reply = try await client.send(RedisCommand(["MGET"] + keys))
        guard let values = reply.array else { throw RedisError.unexpectedReply("MGET returned no list") }
        let decoder = JSONCoding.decoder
        return try values.map { value in
            guard let json = value.string else { return nil }
            return try decoder.decode(Value.self, from: Data(json.utf8))
        }
    }
}
