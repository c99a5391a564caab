import ArgumentParser
import BallastCore
import BallastPostgres
import BallastService
import Foundation
import Logging
import PostgresNIO

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations (safe to run from several processes at once)."
    )

    @Flag(help: "List applied and pending migrations without changing anything.")
    var status = false

    func run() async throws {
        let endpoint: PostgresEndpoint
        do {
            let url = EnvironmentReader().string(
                "BALLAST_DATABASE_URL",
                default: "postgres://ballast:ballast@127.0.0.1:5432/ballast"
            )
            endpoint = try PostgresEndpoint(url: url, variable: "BALLAST_DATABASE_URL")
        } catch {
            throw CommandFailure.exit("invalid configuration: \(error)", code: 2)
        }
        let logger = ServiceMain.bootstrapLogging(label: "ballast", format: .logfmt, level: .warning)
        let client = Database.makeClient(endpoint, maxConnections: 2, logger: logger)
        let migrator = Migrator(client: client, logger: logger)
        let showStatus = status
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            do {
                try await withTimeout(.seconds(60)) {
                    if showStatus {
                        try await printStatus(migrator)
                    } else {
                        let applied = try await migrator.migrate()
                        print(
                            applied.isEmpty
                                ? "schema is up to date" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
                    }
                }
            } catch {
                throw CommandFailure.exit("cannot migrate \(endpoint.redacted): \(error)", code: 1)
            }
        }
    }

    private func printStatus(_ migrator: Migrator) async throws {
        let applied = (try? await migrator.appliedVersions()) ?? []
        for migration in migrator.migrations {
            let state = applied.contains(migration.version) ? "applied" : "pending"
            print("\(migration.version)\t\(migration.name)\t\(state)")
        }
    }
}

/// Reports a failure as one line on standard error and ends the command with `code`.
enum CommandFailure {
    static func exit(_ message: String, code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("ballast: \(message)\n".utf8))
        return ExitCode(code)
    }
}
