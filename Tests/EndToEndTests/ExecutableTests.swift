import BallastCore
import Foundation
import Testing

@Suite("The built executables", .serialized)
struct ExecutableTests {
    static let services = ServiceName.allCases
    static let consumedStreams: [ServiceName: [String]] = [
        .signalProcessor: [StreamName.signals, StreamName.trades],
        .rebalancer: [StreamName.rebalanceRequests],
        .marketData: [StreamName.trades],
        .notifier: [StreamName.events],
    ]

    /// The test servers; services migrate the test database themselves (`BALLAST_AUTO_MIGRATE=1`).
    static func environment() throws -> [String: String] {
        guard let redis = ProcessInfo.processInfo.environment["BALLAST_TEST_REDIS_URL"],
            let admin = ProcessInfo.processInfo.environment["BALLAST_TEST_DATABASE_URL"]
        else { throw E2EError("BALLAST_TEST_REDIS_URL / BALLAST_TEST_DATABASE_URL are not set: run scripts/test") }
        return ["BALLAST_REDIS_URL": redis, "BALLAST_DATABASE_URL": admin, "BALLAST_LOG_LEVEL": "info"]
    }

    @Test("ballast migrate applies the schema, then says it is up to date")
    func migrateCommand() async throws {
        let environment = try Self.environment()
        let first = try ServiceProcess("ballast", environment: environment)
        first.process.arguments = ["migrate"]
        try first.start()
        #expect(await first.waitForExit(timeout: .seconds(60)) == 0)
        let second = try ServiceProcess("ballast", environment: environment)
        second.process.arguments = ["migrate"]
        try second.start()
        #expect(await second.waitForExit(timeout: .seconds(60)) == 0)
        #expect(second.output.contains("schema is up to date"))
    }

    @Test("each service starts, creates its consumer groups, answers /readyz, and stops on SIGTERM with exit 0", arguments: services)
    func startsAndStops(service: ServiceName) async throws {
        var environment = try Self.environment()
        let port = try freePort()
        environment[service.adminPortVariable] = String(port)
        environment["BALLAST_INGEST_PORT"] = String(try freePort())
        environment["BALLAST_AUTO_MIGRATE"] = "1"
        let process = try ServiceProcess(service.name, environment: environment)
        try process.start()
        let ready = await poll(timeout: .seconds(30)) { await httpGet("http://127.0.0.1:\(port)/readyz")?.status == 200 }
        #expect(ready, "\(service.name) never became ready:\n\(process.output)")
        #expect(await httpGet("http://127.0.0.1:\(port)/healthz")?.status == 200)
        let readiness = await httpGet("http://127.0.0.1:\(port)/readyz")?.body ?? ""
        for stream in Self.consumedStreams[service] ?? [] {
            #expect(readiness.contains(#""group \#(stream)":true"#), "\(service.name): \(readiness)")
        }
        let metrics = await httpGet("http://127.0.0.1:\(port)/metrics")
        #expect(metrics?.status == 200)
        #expect(metrics?.body.contains("ballast_outbox_relayed_total") == true)
        if service == .ingest {
            let missing = await httpGet("http://127.0.0.1:\(environment["BALLAST_INGEST_PORT"]!)/nope")
            #expect(missing?.status == 404)
            #expect(missing?.body.contains(#""status":404"#) == true)
        }
        let started = ContinuousClock.now
        process.signal(SIGTERM)
        let status = await process.waitForExit(timeout: .seconds(10))
        #expect(status == 0, "\(service.name) did not exit 0 within 10 s:\n\(process.output)")
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test(
        "a malformed setting stops the service at once with exit 2 and one line naming the variable",
        arguments: [
            ("BALLAST_REDIS_URL", "http://nope"),
            ("BALLAST_DATABASE_URL", "postgres://localhost"),
            ("BALLAST_NOTIFIER_ADMIN_PORT", "99999"),
            ("BALLAST_LOG_FORMAT", "xml"),
            ("BALLAST_AUTO_MIGRATE", "maybe"),
        ]
    )
    func malformedSetting(variable: String, value: String) async throws {
        let process = try ServiceProcess("notifier", environment: [variable: value])
        try process.start()
        #expect(await process.waitForExit(timeout: .seconds(10)) == 2)
        let lines = process.output.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains(variable) == true, "output: \(process.output)")
    }

    @Test("with Redis and Postgres unreachable the service keeps running, not ready, until SIGTERM")
    func unreachableDependencies() async throws {
        let port = try freePort()
        let process = try ServiceProcess(
            "notifier",
            environment: [
                "BALLAST_REDIS_URL": "redis://127.0.0.1:\(try freePort())",
                "BALLAST_DATABASE_URL": "postgres://ballast:ballast@127.0.0.1:\(try freePort())/ballast",
                "BALLAST_NOTIFIER_ADMIN_PORT": String(port),
            ]
        )
        try process.start()
        let answered = await poll(timeout: .seconds(15)) { await httpGet("http://127.0.0.1:\(port)/readyz") != nil }
        #expect(answered)
        try await Task.sleep(for: .seconds(2))
        let readiness = await httpGet("http://127.0.0.1:\(port)/readyz")
        #expect(readiness?.status == 503)
        #expect(readiness?.body.contains(#""redis":false"#) == true)
        #expect(process.process.isRunning)
        process.signal(SIGTERM)
        #expect(await process.waitForExit(timeout: .seconds(10)) == 0, "output:\n\(process.output)")
    }
}

/// Polls `condition` every 100 ms until it holds or `timeout` passes.
func poll(timeout: Duration, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return false
}
