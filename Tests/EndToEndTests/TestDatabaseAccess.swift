import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// Runs `body` with a client on the test database that `scripts/test` started (shared by the
/// end-to-end tests; each test keeps to its own job names or symbols).
func withTestDatabase<Value: Sendable>(_ body: @Sendable (PostgresClient) async throws -> Value) async throws -> Value {
    guard let url = ProcessInfo.processInfo.environment["BALLAST_TEST_DATABASE_URL"] else {
        throw E2EError("BALLAST_TEST_DATABASE_URL is not set: run scripts/test")
    }
    return try await withDatabase(url, body)
}

/// The test database's URL with another database name, for a test that needs a database of its own.
func testDatabaseURL(named name: String) throws -> String {
    guard let url = ProcessInfo.processInfo.environment["BALLAST_TEST_DATABASE_URL"], let slash = url.lastIndex(of: "/") else {
        throw E2EError("BALLAST_TEST_DATABASE_URL is not set: run scripts/test")
    }
    return url[...slash] + name
}

/// Runs `body` with a client on the database at `url`.
func withDatabase<Value: Sendable>(_ url: String, _ body: @Sendable (PostgresClient) async throws -> Value) async throws -> Value {
    var logger = Logger(label: "scheduler-test")
    logger.logLevel = .critical
    let client = Database.makeClient(
        try PostgresEndpoint(url: url, variable: "BALLAST_TEST_DATABASE_URL"), maxConnections: 2, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(client)
    }
}

/// The single integer a `SELECT count(*) ...` returns.
func count(_ query: PostgresQuery, in database: PostgresClient) async throws -> Int {
    let rows = try await database.query(query)
    for try await value in rows.decode(Int.self) { return value }
    return 0
}
