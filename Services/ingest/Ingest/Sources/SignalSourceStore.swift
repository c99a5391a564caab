import BallastCore
import BallastTrading
import Foundation
import Logging
import PostgresNIO

/// Signal sources (`signal_sources`): the webhooks authenticate against them, the API manages a user's
/// own, and ingest's start-up keeps the default one in step with `BALLAST_WEBHOOK_SECRET`.
///
/// The API's calls are scoped to the caller, so another user's source is "not found".
public struct SignalSourceStore: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case nameTaken(String)

        public var description: String {
            switch self {
            case .nameTaken(let name): "you already have a source named '\(name)'"
            }
        }
    }

    public let database: PostgresClient
    public let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    // MARK: Webhook authentication

    /// The source with its routing: its engines and its owner's running experiments.
    public func source(id: UUID) async throws -> SignalSource? {
        try await withRouting(
            sources(
                database.query(
                    "SELECT id, user_id, name, secret, is_default, engine::text FROM signal_sources WHERE id = \(id)", logger: logger)
            ).first)
    }

    public func defaultSource() async throws -> SignalSource? {
        try await withRouting(
            sources(
                database.query(
                    "SELECT id, user_id, name, secret, is_default, engine::text FROM signal_sources WHERE is_default", logger: logger)
            ).first)
    }

    private func withRouting(_ source: SignalSource?) async throws -> SignalSource? {
        guard var source else { return nil }
        source.experiments = try await ExperimentStore(database: database, logger: logger).running(user: source.userID)
        return source
    }

    /// The engines of source `id` (`.some(nil)`: none set, so `rules`); nil when the user has no such source.
    public func engines(source id: UUID, user: UUID) async throws -> SourceEngines?? {
        let rows = try await database.query(
            "SELECT engine::text FROM signal_sources WHERE id = \(id) AND user_id = \(user)", logger: logger)
        for try await text in rows.decode(String?.self) {
            return .some(try text.map { try JSONCoding.decoder.decode(SourceEngines.self, from: Data($0.utf8)) })
        }
        return nil
    }

    /// Sets the engines the source's signals are decided by outside experiments (nil: `rules`); false when the user has
    /// no such source.
    public func setEngines(_ engines: SourceEngines?, source id: UUID, user: UUID) async throws -> Bool {
        let text = try engines.map { String(decoding: try JSONCoding.encoder.encode($0), as: UTF8.self) }
        return
            !(try await ids(
                database.query(
                    "UPDATE signal_sources SET engine = \(text)::jsonb WHERE id = \(id) AND user_id = \(user) RETURNING id", logger: logger)
            )).isEmpty
    }

    /// Makes sure the default source exists with `secret`: created for `owner` when there is none, otherwise
    /// only its secret follows the setting (it keeps its id and owner across restarts).
    public func ensureDefaultSource(owner: UUID, secret: String) async throws -> UUID {
        try await database.withTransaction(logger: logger) { connection in
            let updated = try await ids(
                connection.query("UPDATE signal_sources SET secret = \(secret) WHERE is_default RETURNING id", logger: logger)
            )
            if let id = updated.first { return id }
            // With DO UPDATE, RETURNING gives the row whether it was inserted or updated.
            let inserted = try await ids(
                connection.query(
                    """
                    INSERT INTO signal_sources (user_id, name, secret, is_default) VALUES (\(owner), 'default', \(secret), true)
                    ON CONFLICT (user_id, name) DO UPDATE SET secret = EXCLUDED.secret, is_default = true
                    RETURNING id
                    """,
                    logger: logger
                )
            )
            return inserted[0]
        }
    }

    // MARK: The caller's sources (API)

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

    /// Creates a source with a fresh secret; `Failure.nameTaken` when the user already has one with that name.
    public func create(name: String, user: UUID) async throws -> SourceView {
        let secret = RandomToken.generate(bytes: 24)
        let created = try await views(
            database.query(
                """
                INSERT INTO signal_sources (user_id, name, secret) VALUES (\(user), \(name), \(secret))
                ON CONFLICT (user_id, name) DO NOTHING
                RETURNING id, name, is_default, created_at
                """,
                logger: logger
            )
        ).first
        guard var created else { throw Failure.nameTaken(name) }
        created.secret = secret
        return created
    }

    /// Renames a source; nil when there is no such source, `Failure.nameTaken` when the name is taken.
    public func rename(_ id: UUID, to name: String, user: UUID) async throws -> SourceView? {
        do {
            return try await views(
                database.query(
                    """
                    UPDATE signal_sources SET name = \(name) WHERE id = \(id) AND user_id = \(user)
                    RETURNING id, name, is_default, created_at
                    """,
                    logger: logger
                )
            ).first
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw Failure.nameTaken(name)
        }
    }

    public func rotateSecret(_ id: UUID, user: UUID) async throws -> SourceView? {
        let secret = RandomToken.generate(bytes: 24)
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

    // Rows are read to the end (not abandoned after the first) so the connection is free for the next statement.
    private func sources(_ rows: PostgresRowSequence) async throws -> [SignalSource] {
        var sources: [SignalSource] = []
        for try await (id, userID, name, secret, isDefault, engine) in rows.decode((UUID, UUID, String, String, Bool, String?).self) {
            let engines = try engine.map { try JSONCoding.decoder.decode(SourceEngines.self, from: Data($0.utf8)) }
            sources.append(
                SignalSource(id: id, userID: userID, name: name, secret: Secret(secret), isDefault: isDefault, engines: engines))
        }
        return sources
    }

    private func ids(_ rows: PostgresRowSequence) async throws -> [UUID] {
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
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
