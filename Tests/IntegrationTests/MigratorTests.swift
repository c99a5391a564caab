import BallastPostgres
import PostgresNIO
import Testing

@Suite("Migrations")
struct MigratorTests {
    @Test("two migrators racing on a fresh database apply each migration exactly once")
    func concurrentMigrators() async throws {
        try await TestDatabase.with(migrate: false) { _, endpoint in
            let migrations =
                Migration.all + [
                    Migration(version: 9001, name: "counter", statements: ["CREATE TABLE counter (n integer)"]),
                    // Not idempotent: a second run would double the count.
                    Migration(version: 9002, name: "count once", statements: ["INSERT INTO counter VALUES (1)"]),
                ]
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await TestDatabase.withClient(endpoint) { client in
                            try await Migrator(client: client, migrations: migrations, logger: TestServers.logger).migrate()
                        }
                    }
                }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            #expect(applied.flatMap { $0 }.sorted() == migrations.map(\.version).sorted())
            #expect(applied.contains { $0.isEmpty })
            try await TestDatabase.withClient(endpoint) { client in
                #expect(try await client.count("SELECT count(*) FROM counter") == 1)
                #expect(try await client.count("SELECT count(*) FROM schema_migrations") == migrations.count)
                let again = try await Migrator(client: client, migrations: migrations, logger: TestServers.logger).migrate()
                #expect(again.isEmpty)
            }
        }
    }

    @Test("a failing migration rolls back and is not recorded")
    func failingMigrationRollsBack() async throws {
        try await TestDatabase.with(migrate: false) { client, _ in
            let broken =
                Migration.all + [
                    Migration(version: 9001, name: "half", statements: ["CREATE TABLE half (n integer)", "SELECT no_such_function()"])
                ]
            await #expect(throws: (any Error).self) {
                try await Migrator(client: client, migrations: broken, logger: TestServers.logger).migrate()
            }
            let versions = try await Migrator(client: client, logger: TestServers.logger).appliedVersions()
            #expect(versions == Set(Migration.all.map(\.version)))
            #expect(try await client.count("SELECT count(*) FROM pg_tables WHERE tablename = 'half'") == 0)
        }
    }
}
