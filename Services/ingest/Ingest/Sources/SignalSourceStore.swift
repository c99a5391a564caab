import BallastCore
import Foundation
import Logging
import PostgresNIO

/// A signal source as the API shows it; the secret appears only when created or rotated.
public struct SourceView: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var isDefault: Bool
    public var createdAt: Date
    public var webhookPath: String
    public var secret: String?
}

/// Sources owned by users; every call is scoped to the caller, so another user's source is "not found".
public struct SourceRepository: Sendable {
    public let database: PostgresClient
    public let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public func list(user: UUID) async throws -> [SourceView] {
        try await views(
            database.query(
                "SELECT id, name, is_default, created_at FROM signal_sources WHERE user_id = \(user) ORDER BY created_at, id",
                logger: logger
            )
        )
    }

    public func get(_ id: UUID, user: UUID) async throws -> SourceView? {
        try await views(
            database.query(
                "SELECT id, name, is_default, created_at FROM signal_sources WHERE id = \(id) AND user_id = \(user)",
                logger: logger
            )
        ).first
    }

    /// Creates a source with a fresh secret; nil when the user already has one with that name.
    public func create(name: String, user: UUID) async throws -> SourceView? {
        let secret = AccountStore.randomToken(bytes: 24)
        var created = try await views(
            database.query(
                """
                INSERT INTO signal_sources (user_id, name, secret) VALUES (\(user), \(name), \(secret))
                ON CONFLICT (user_id, name) DO NOTHING
                RETURNING id, name, is_default, created_at
                """,
                logger: logger
            )
        ).first
        created?.secret = secret
        return created
    }

    /// Renames a source; `.conflict` when the name is taken, nil when there is no such source.
    public func rename(_ id: UUID, to name: String, user: UUID) async throws -> SourceView? {
        try await views(
            database.query(
                """
                UPDATE signal_sources SET name = \(name) WHERE id = \(id) AND user_id = \(user)
                RETURNING id, name, is_default, created_at
                """,
                logger: logger
            )
        ).first
    }

    public func rotateSecret(_ id: UUID, user: UUID) async throws -> SourceView? {
        let secret = AccountStore.randomToken(bytes: 24)
        var rotated = try await views(
            database.query(
                """
                UPDATE signal_sources SET secret = \(secret) WHERE id = \(id) AND user_id = \(user)
                RETURNING id, name, is_default, created_at
                """,
                logger: logger
            )
        ).first
        rotated?.secret = secret
        return rotated
    }

    /// Deletes a source and its signals; false when there is no such source.
    public func delete(_ id: UUID, user: UUID) async throws -> Bool {
        try await !views(
            database.query(
                "DELETE FROM signal_sources WHERE id = \(id) AND user_id = \(user) RETURNING id, name, is_default, created_at",
                logger: logger
            )
        ).isEmpty
    }

    private func views(_ rows: PostgresRowSequence) async throws -> [SourceView] {
        var views: [SourceView] = []
        for try await (id, name, isDefault, createdAt) in rows.decode((UUID, String, Bool, Date).self) {
            views.append(
                SourceView(
                    id: id,
                    name: name,
                    isDefault: isDefault,
                    createdAt: createdAt,
                    webhookPath: isDefault ? "/webhook" : "/webhook/\(id.uuidString.lowercased())"
                )
            )
        }
        return views
    }
}
