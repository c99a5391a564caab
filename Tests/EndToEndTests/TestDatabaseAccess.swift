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

/// Runs `body` with the URL of a database of its own, `<prefix>_<random>`, migrated by nobody yet; drops it afterwards,
/// unless `BALLAST_E2E_KEEP_DATABASE=1` asks to keep it to look into (its name is printed then). A test whose services
/// must not meet those other tests start against the shared database uses one.
func withOwnDatabase(_ prefix: String, _ body: (_ url: String) async throws -> Void) async throws {
    let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    try await withTestDatabase { database in try await database.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)")) }
    do {
        try await body(try testDatabaseURL(named: name))
    } catch {
        try? await dropOwnDatabase(name)
        throw error
    }
    if ProcessInfo.processInfo.environment["BALLAST_E2E_KEEP_DATABASE"] == "1" {
        print("end-to-end test: database \(name) kept")
    } else {
        try await dropOwnDatabase(name)
    }
}

private func dropOwnDatabase(_ name: String) async throws {
    try await withTestDatabase { database in
        try await database.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
    }
}
