import Logging
import PostgresNIO

/// Applies pending migrations in order, each in its own transaction, under a Postgres advisory lock
/// so that processes starting together apply every migration exactly once.
public struct Migrator: Sendable {
    /// `pg_advisory_lock` key shared by every Ballast process ("BALLAST" in ASCII).
    static let lockKey: Int64 = 0x4241_4C4C_4153_54

    public let client: PostgresClient
    public let migrations: [Migration]
    public let logger: Logger

    public init(client: PostgresClient, migrations: [Migration] = Migration.all, logger: Logger) {
        self.client = client
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Applies what is missing and returns the versions applied by this call.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                let applied = try await applyPending(on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    /// Versions recorded in `schema_migrations`.
    public func appliedVersions() async throws -> Set<Int> {
        try await client.withConnection { connection in try await appliedVersions(on: connection) }
    }

    private func applyPending(on connection: PostgresConnection) async throws -> [Int] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            logger: logger
        )
        let done = try await appliedVersions(on: connection)
        var appliedNow: [Int] = []
        for migration in migrations where !done.contains(migration.version) {
            try await connection.withTransaction(logger: logger) { connection in
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger
                )
            }
            logger.info("migration applied", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            appliedNow.append(migration.version)
        }
        return appliedNow
    }

    private func appliedVersions(on connection: PostgresConnection) async throws -> Set<Int> {
        var versions: Set<Int> = []
        let rows = try await connection.query("SELECT version FROM schema_migrations", logger: logger)
        for try await version in rows.decode(Int.self) { versions.insert(version) }
        return versions
    }
}
