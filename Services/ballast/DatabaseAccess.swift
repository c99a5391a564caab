import ArgumentParser
import BallastCore
import BallastPostgres
import BallastService
import Foundation
import Logging
import PostgresNIO

/// Runs `body` with a Postgres client for `BALLAST_DATABASE_URL`; failures become one line and an exit code
/// (2 for configuration, 1 for everything else).
func withDatabase<Value: Sendable>(
    _ body: @escaping @Sendable (PostgresClient, Logger) async throws -> Value
) async throws -> Value {
    let endpoint: PostgresEndpoint
    do {
        let url = EnvironmentReader().string("BALLAST_DATABASE_URL", default: "postgres://ballast:ballast@127.0.0.1:5432/ballast")
        endpoint = try PostgresEndpoint(url: url, variable: "BALLAST_DATABASE_URL")
    } catch {
        throw CommandFailure.exit("invalid configuration: \(error)", code: 2)
    }
    let logger = ServiceMain.bootstrapLogging(label: "ballast", format: .logfmt, level: .warning)
    let client = Database.makeClient(endpoint, maxConnections: 2, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        do {
            return try await withTimeout(.seconds(60)) { try await body(client, logger) }
        } catch let failure as ExitCode {
            throw failure
        } catch {
            throw CommandFailure.exit("\(diagnosis(of: error)) (database \(endpoint.redacted))", code: 1)
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
