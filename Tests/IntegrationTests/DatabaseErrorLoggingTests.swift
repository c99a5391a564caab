import BallastCore
import BallastPostgres
import BallastService
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Synchronization
import Testing

/// Keeps every log line's message and metadata, to read what an operator would see.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    func logger() -> Logger {
        Logger(label: "captured") { _ in CapturingLogHandler(log: self) }
    }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }
}

private struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = metadata.merging(event.metadata ?? [:]) { _, new in new }
        log.append("\(event.message) " + fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }
}

@Suite("A database failure in the log says what failed, without the values sent")
struct DatabaseErrorLoggingTests {
    @Test("a request failing on a unique constraint logs SQLSTATE 23505, the server's message and the constraint, never the bind value")
    func uniqueViolationLogged() async throws {
        try await TestDatabase.with { database, _ in
            let secret = "hunter2-\(UUID().uuidString)"
            try await database.query("CREATE TABLE vault (name text CONSTRAINT vault_name_key UNIQUE)")
            try await database.query("INSERT INTO vault (name) VALUES (\(secret))")
            let log = CapturedLog()
            let router = Router()
            router.add(middleware: ProblemMiddleware())
            router.post("/store") { _, _ -> String in
                try await database.query("INSERT INTO vault (name) VALUES (\(secret))")
                return "stored"
            }
            let app = Application(router: router, logger: log.logger())
            try await app.test(.router) { client in
                try await client.execute(uri: "/store", method: .post) { response in
                    #expect(response.status == .internalServerError)
                }
            }
            let text = log.text
            #expect(text.contains("SQLSTATE 23505"), "\(text)")
            #expect(text.contains("duplicate key value violates unique constraint"), "\(text)")
            #expect(text.contains("constraint vault_name_key"), "\(text)")
            #expect(!text.contains(secret), "\(text)")
            #expect(!text.contains("Generic description"), "\(text)")
        }
    }

    @Test("a value Postgres could not read, or a raised exception, is diagnosed without the quoted value")
    func quotedValuesLeftOut() async throws {
        try await TestDatabase.with { database, _ in
            let secret = "hunter2-\(UUID().uuidString)"
            do {
                try await database.query("SELECT \(secret)::uuid")
                Issue.record("a non-uuid was read as a uuid")
            } catch {
                #expect(diagnosis(of: error) == #"postgres error: SQLSTATE 22P02; invalid input syntax for type uuid: "…""#)
            }
            do {
                try await database.query("DO $$ BEGIN RAISE EXCEPTION 'account \"%\" is frozen', \(unescaped: "'" + secret + "'"); END $$")
                Issue.record("the exception was not raised")
            } catch {
                #expect(diagnosis(of: error) == #"postgres error: SQLSTATE P0001; account "…" is frozen"#)
            }
        }
    }

    @Test("the diagnosis of a failed statement names the SQLSTATE and server message; a transaction error names its failed step")
    func diagnosisOfStatements() async throws {
        try await TestDatabase.with { database, _ in
            do {
                try await database.query("SELECT 1 / \(0)")
                Issue.record("division by zero succeeded")
            } catch {
                #expect(diagnosis(of: error) == "postgres error: SQLSTATE 22012; division by zero")
            }
            do {
                _ = try await database.withTransaction(logger: TestServers.logger) { connection in
                    try await connection.query("SELECT * FROM no_such_table", logger: TestServers.logger)
                }
                Issue.record("the query on a missing table succeeded")
            } catch {
                #expect(
                    diagnosis(of: error).contains("SQLSTATE 42P01; relation \"no_such_table\" does not exist"), "\(diagnosis(of: error))")
            }
        }
    }
}
