import BallastCore
import Crypto
import Foundation
import Logging
import PostgresNIO

/// Users, API keys and the default signal source: what `ballast user`, `ballast api-key` and ingest's
/// start-up change.
public struct AccountStore: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case userExists(String)
        case noSuchUser(String)
        case noSuchKey(String)

        public var description: String {
            switch self {
            case .userExists(let name): "a user named '\(name)' already exists"
            case .noSuchUser(let name): "no user named '\(name)'"
            case .noSuchKey(let prefix): "no active API key starting with '\(prefix)'"
            }
        }
    }

    /// A new key: the secret (shown once) and what is stored about it.
    public struct IssuedKey: Sendable {
        public var id: UUID
        public var key: String
        public var prefix: String
    }

    public let database: PostgresClient
    public let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    @discardableResult
    public func createUser(named name: String) async throws -> UUID {
        let rows = try await database.query(
            "INSERT INTO users (name) VALUES (\(name)) ON CONFLICT (name) DO NOTHING RETURNING id",
            logger: logger
        )
        var created: UUID?
        for try await id in rows.decode(UUID.self) { created = id }
        guard let created else { throw Failure.userExists(name) }
        return created
    }

    public func userID(named name: String) async throws -> UUID? {
        var found: UUID?
        for try await id in try await database.query("SELECT id FROM users WHERE name = \(name)", logger: logger).decode(UUID.self) {
            found = id
        }
        return found
    }

    /// Issues a key `bal_<random>`; only its SHA-256 is stored.
    public func createAPIKey(forUser name: String) async throws -> IssuedKey {
        guard let userID = try await userID(named: name) else { throw Failure.noSuchUser(name) }
        let key = "bal_" + Self.randomToken(bytes: 24)
        let prefix = String(key.prefix(12))
        let rows = try await database.query(
            "INSERT INTO api_keys (user_id, key_hash, prefix) VALUES (\(userID), \(Self.hash(key)), \(prefix)) RETURNING id",
            logger: logger
        )
        var id = UUID()
        for try await inserted in rows.decode(UUID.self) { id = inserted }
        return IssuedKey(id: id, key: key, prefix: prefix)
    }

    /// Revokes the active key whose id or prefix is given.
    public func revokeAPIKey(_ idOrPrefix: String) async throws {
        let id = UUID(uuidString: idOrPrefix)
        let rows = try await database.query(
            """
            UPDATE api_keys SET revoked_at = now()
            WHERE revoked_at IS NULL AND (id = \(id) OR prefix = \(idOrPrefix))
            RETURNING id
            """,
            logger: logger
        )
        var count = 0
        for try await _ in rows.decode(UUID.self) { count += 1 }
        guard count > 0 else { throw Failure.noSuchKey(idOrPrefix) }
    }

    /// Makes sure `user` exists and owns the default source with `secret` (updated if it changed).
    public func ensureDefaultSource(user: String, secret: String) async throws -> UUID {
        try await database.withTransaction(logger: logger) { connection in
            try await connection.query(
                "INSERT INTO users (name) VALUES (\(user)) ON CONFLICT (name) DO NOTHING",
                logger: logger
            )
            // The default source keeps its id and owner across restarts; only its secret follows the setting.
            var id: UUID?
            let updated = try await connection.query(
                "UPDATE signal_sources SET secret = \(secret) WHERE is_default RETURNING id",
                logger: logger
            )
            for try await source in updated.decode(UUID.self) { id = source }
            if let id { return id }
            let inserted = try await connection.query(
                """
                INSERT INTO signal_sources (user_id, name, secret, is_default)
                SELECT id, 'default', \(secret), true FROM users WHERE name = \(user)
                ON CONFLICT (user_id, name) DO UPDATE SET secret = EXCLUDED.secret, is_default = true
                RETURNING id
                """,
                logger: logger
            )
            for try await source in inserted.decode(UUID.self) { id = source }
            guard let id else { throw Failure.noSuchUser(user) }
            return id
        }
    }

    static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func randomToken(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        // 62^32 ≈ 2^190: far beyond guessing.
        return String((0..<(count * 4 / 3)).map { _ in alphabet[Int(generator.next(upperBound: UInt8(alphabet.count)))] })
    }
}
