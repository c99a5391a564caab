import BallastCore
import Crypto
import Foundation
import Logging
import PostgresNIO

/// Users and their API keys (`users`, `api_keys`): what `ballast user` and `ballast api-key` change, and
/// what the API authenticates against.
public struct UserStore: Sendable {
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

    /// The user named `name`, created when there is none.
    public func ensureUser(named name: String) async throws -> UUID {
        try await database.query("INSERT INTO users (name) VALUES (\(name)) ON CONFLICT (name) DO NOTHING", logger: logger)
        guard let id = try await userID(named: name) else { throw Failure.noSuchUser(name) }
        return id
    }

    public func userID(named name: String) async throws -> UUID? {
        var found: UUID?
        for try await id in try await database.query("SELECT id FROM users WHERE name = \(name)", logger: logger).decode(UUID.self) {
            found = id
        }
        return found
    }

    /// Issues a key `bal_<random>`; only its SHA-256 is stored. An admin key may also change what is global to the
    /// installation (scheduled jobs).
    public func createAPIKey(forUser name: String, isAdmin: Bool = false) async throws -> IssuedKey {
        guard let userID = try await userID(named: name) else { throw Failure.noSuchUser(name) }
        let key = "bal_" + RandomToken.generate(bytes: 24)
        let prefix = String(key.prefix(12))
        let rows = try await database.query(
            """
            INSERT INTO api_keys (user_id, key_hash, prefix, is_admin)
            VALUES (\(userID), \(Self.hash(key)), \(prefix), \(isAdmin)) RETURNING id
            """,
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

    /// The user an active API key belongs to and whether the key is an admin's, in the one lookup each request
    /// makes; nil for an unknown or revoked key.
    public func caller(forAPIKey key: String) async throws -> (userID: UUID, isAdmin: Bool)? {
        let rows = try await database.query(
            "SELECT user_id, is_admin FROM api_keys WHERE key_hash = \(Self.hash(key)) AND revoked_at IS NULL",
            logger: logger
        )
        var found: (userID: UUID, isAdmin: Bool)?
        for try await (id, isAdmin) in rows.decode((UUID, Bool).self) { found = (id, isAdmin) }
        return found
    }

    static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
