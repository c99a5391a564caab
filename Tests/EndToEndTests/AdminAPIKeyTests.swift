import AsyncHTTPClient
import BallastCore
import BallastTestSupport
import Foundation
import NIOCore
import Testing

@Suite("ballast api-key create --admin against a running ingest")
struct AdminAPIKeyTests {
    @Test("an --admin key stops a scheduled job through ingest; an ordinary key gets 403 and changes nothing")
    func adminKeyStopsAJob() async throws {
        var environment = try ExecutableTests.environment()
        let user = "e2e-\(UUID().uuidString.prefix(8).lowercased())"
        let job = "e2e.admin-key.\(UUID().uuidString.prefix(8).lowercased())"
        func ballast(_ arguments: [String]) async throws -> (Int32?, String) {
            let command = try ServiceProcess("ballast", environment: environment)
            command.process.arguments = arguments
            try command.start()
            return (await command.waitForExit(timeout: .seconds(60)), command.output)
        }
        #expect(try await ballast(["migrate"]).0 == 0)
        #expect(try await ballast(["user", "create", user]).0 == 0)
        let (adminStatus, adminOutput) = try await ballast(["api-key", "create", "--user", user, "--admin"])
        #expect(adminStatus == 0, "\(adminOutput)")
        #expect(adminOutput.contains("Admin API key"))
        let (_, userOutput) = try await ballast(["api-key", "create", "--user", user])
        let adminKey = try #require(adminOutput.split(separator: "\n").last.map(String.init))
        let userKey = try #require(userOutput.split(separator: "\n").last.map(String.init))
        try await withTestDatabase { database in
            try await database.query(
                "INSERT INTO scheduled_jobs (name, service, schedule, time_zone) VALUES (\(job), 'e2e', '0 0 1 1 *', 'UTC')")
        }

        let port = try freePort()
        let adminPort = try freePort()
        environment["BALLAST_INGEST_PORT"] = String(port)
        environment[ServiceName.ingest.adminPortVariable] = String(adminPort)
        let ingest = try ServiceProcess("ingest", environment: environment)
        try ingest.start()
        defer { ingest.signal(SIGTERM) }
        let ready = await poll(timeout: .seconds(30)) { await httpGet("http://127.0.0.1:\(adminPort)/readyz")?.status == 200 }
        #expect(ready, "ingest never became ready:\n\(ingest.output)")

        func stop(key: String) async throws -> Int {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/scheduler/\(job)/stop")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(5)).status.code)
        }
        #expect(try await stop(key: userKey) == 403)
        #expect(try await enabled(job) == true)
        #expect(try await stop(key: adminKey) == 200)
        #expect(try await enabled(job) == false)
        try await withTestDatabase { database in
            try await database.query("DELETE FROM scheduled_jobs WHERE name = \(job)")
        }
    }

    private func enabled(_ job: String) async throws -> Bool? {
        try await withTestDatabase { database in
            for try await enabled in try await database.query("SELECT enabled FROM scheduled_jobs WHERE name = \(job)").decode(Bool.self) {
                return enabled
            }
            return nil
        }
    }
}
