import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// A fresh database per test, migrated, dropped afterwards.
enum TestDatabase {
    /// Creates a database, runs `body` with a running client on it, then drops it.
    static func with<Value: Sendable>(
        migrate: Bool = true,
        _ body: @Sendable (PostgresClient, PostgresEndpoint) async throws -> Value
    ) async throws -> Value {
        let admin = try TestServers.postgres
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await withClient(admin) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        var scratch = admin
        scratch.database = name
        let endpoint = scratch
        do {
            let value = try await withClient(endpoint) { client in
                if migrate { try await Migrator(client: client, logger: TestServers.logger).migrate() }
                return try await body(client, endpoint)
            }
            try await drop(name, admin: admin)
            return value
        } catch let error as PSQLError {
            try? await drop(name, admin: admin)
            // PSQLError's description hides the server's message; a failing test should show it.
            throw ServerFailure(description: String(reflecting: error))
        } catch {
            try? await drop(name, admin: admin)
            throw error
        }
    }

    /// A PostgreSQL error with the server's message and SQLSTATE, which `PSQLError` prints only when reflected.
    struct ServerFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `body` with a client whose connection pool is running.
    @discardableResult
    static func withClient<Value: Sendable>(
        _ endpoint: PostgresEndpoint,
        _ body: @Sendable (PostgresClient) async throws -> Value
    ) async throws -> Value {
        let client = Database.makeClient(endpoint, maxConnections: 8, logger: TestServers.logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// Drops the database, trying again when a backend that just started in it (autovacuum) is in the way.
    private static func drop(_ name: String, admin: PostgresEndpoint) async throws {
        try await withClient(admin) { client in
            var attempt = 1
            while true {
                do {
                    try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
                    return
                } catch let error as PSQLError where attempt < 5 {
                    TestServers.logger.warning("drop of \(name) failed, trying again: \(String(reflecting: error))")
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
        }
    }
}

extension PostgresClient {
    /// The single integer a `SELECT count(*) ...` returns.
    func count(_ query: PostgresQuery) async throws -> Int {
        let rows = try await self.query(query)
        for try await value in rows.decode(Int.self) { return value }
        return 0
    }
}
