import BallastCore
import BallastTestSupport
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

    @Test("ballast account create --default-order-notional sets the risk limit; a bad amount is exit 2 naming the option")
    func accountWithDefaultOrderNotional() async throws {
        let environment = try Self.environment()
        let user = "e2e-\(UUID().uuidString.prefix(8).lowercased())"
        func ballast(_ arguments: [String]) async throws -> (Int32?, String) {
            let command = try ServiceProcess("ballast", environment: environment)
            command.process.arguments = arguments
            try command.start()
            return (await command.waitForExit(timeout: .seconds(60)), command.output)
        }
        #expect(try await ballast(["migrate"]).0 == 0)
        #expect(try await ballast(["user", "create", user]).0 == 0)
        let (badStatus, badOutput) = try await ballast(["account", "create", user, "--default-order-notional", "1,5"])
        #expect(badStatus == 2)
        #expect(badOutput.contains("invalid --default-order-notional"))
        let (status, output) = try await ballast(["account", "create", user, "--default-order-notional", "1000"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("orders without a quantity of 1000 USD"))
        let stored = try await withTestDatabase { database in
            let rows = try await database.query(
                """
                SELECT trim_scale(r.default_order_notional)::text FROM risk_limits r
                JOIN paper_accounts a ON a.id = r.account_id JOIN users u ON u.id = a.user_id WHERE u.name = \(user)
                """)
            var values: [String] = []
            for try await value in rows.decode(String.self) { values.append(value) }
            return values
        }
        #expect(stored == ["1000"])
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
