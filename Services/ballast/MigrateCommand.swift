import ArgumentParser
import BallastPostgres

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations (safe to run from several processes at once)."
    )

    @Flag(help: "List applied and pending migrations without changing anything.")
    var status = false

    func run() async throws {
        let showStatus = status
        try await withDatabase { client, logger in
            let migrator = Migrator(client: client, logger: logger)
            if showStatus {
                let applied = (try? await migrator.appliedVersions()) ?? []
                for migration in migrator.migrations {
                    print("\(migration.version)\t\(migration.name)\t\(applied.contains(migration.version) ? "applied" : "pending")")
                }
            } else {
                let applied = try await migrator.migrate()
                print(applied.isEmpty ? "schema is up to date" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
            }
        }
    }
}
