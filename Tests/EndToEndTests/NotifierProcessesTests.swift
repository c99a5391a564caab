import BallastCore
import BallastRedis
import BallastTestSupport
import BallastWebhooks
import Foundation
import PostgresNIO
import Testing

@Suite("notifier processes: kill -9 in the middle of an attempt")
struct NotifierProcessesTests {
    @Test("a notifier killed while an endpoint holds its attempt is restarted, and the delivery arrives with the same webhook-id")
    func killMidAttempt() async throws {
        // A database of its own: notifiers that other tests start against the shared one would claim this test's
        // delivery when its lease ends.
        try await withOwnDatabase("notifier_e2e") { url in try await killMidAttempt(databaseURL: url) }
    }

    func killMidAttempt(databaseURL: String) async throws {
        let environment = try ExecutableTests.environment().merging(["BALLAST_DATABASE_URL": databaseURL]) { _, own in own }
        let user = "e2e-\(UUID().uuidString.prefix(8).lowercased())"
        for arguments in [["migrate"], ["user", "create", user]] {
            let command = try ServiceProcess("ballast", environment: environment)
            command.process.arguments = arguments
            try command.start()
            #expect(
                await command.waitForExit(timeout: .seconds(60)) == 0, "ballast \(arguments.joined(separator: " ")):\n\(command.output)")
        }
        // The first request hangs, so the notifier is killed while it waits for the answer; later ones succeed.
        try await WebhookReceiver.with(answer: { number, _ in number == 0 ? .hang : .status(200) }) { receiver in
            let secret = WebhookSecret.generate()
            let (userID, endpoint) = try await withDatabase(databaseURL) { database in
                let rows = try await database.query("SELECT id FROM users WHERE name = \(user)")
                var userID: UUID?
                for try await id in rows.decode(UUID.self) { userID = id }
                guard let userID else { throw E2EError("user \(user) was not created") }
                let endpoint = try await WebhookEndpointStore(database: database, logger: .init(label: "e2e")).create(
                    user: userID, url: try WebhookTargetURL(parsing: receiver.url()), events: ["order.filled"], description: "e2e",
                    secret: secret, enabled: true)
                return (userID, endpoint.id)
            }
            var notifierEnvironment = environment
            // A Redis database of its own: notifiers other tests start at the same time share the default one's
            // `notifier` group and would take this test's event.
            let redisURL = (environment["BALLAST_REDIS_URL"] ?? "").trimmingSuffix("/") + "/7"
            notifierEnvironment["BALLAST_REDIS_URL"] = redisURL
            notifierEnvironment["BALLAST_ALLOW_PRIVATE_TARGETS"] = "1"
            // A 2 s timeout gives a 12 s lease: the killed attempt is due again 12 s after it started.
            notifierEnvironment["BALLAST_WEBHOOK_TIMEOUT_SECONDS"] = "2"
            notifierEnvironment["BALLAST_LOG_LEVEL"] = "warning"
            func start() throws -> ServiceProcess {
                var own = notifierEnvironment
                own["BALLAST_INSTANCE"] = "notifier-\(UUID().uuidString.prefix(6))"
                own[ServiceName.notifier.adminPortVariable] = String(try freePort())
                let process = try ServiceProcess("notifier", environment: own)
                try process.start()
                return process
            }
            let first = try start()
            let redis = RedisClient(endpoint: try RedisEndpoint(url: redisURL, variable: "BALLAST_REDIS_URL"))
            let event = try Envelope.event("order.filled", userID: userID, at: Date(), data: ["id": "e2e"])
            _ = try await StreamProducer(client: redis, maxLength: 1_000_000).publish([(StreamName.events, event)])
            #expect(await poll(timeout: .seconds(30)) { receiver.requests.count == 1 }, "no attempt reached the receiver:\n\(first.output)")
            first.signal(SIGKILL)
            _ = await first.waitForExit(timeout: .seconds(10))
            let restarted = try start()
            defer { restarted.signal(SIGTERM) }
            #expect(
                await poll(timeout: .seconds(40)) { receiver.requests.count == 2 },
                "the delivery was not attempted again:\n\(restarted.output)")
            let requests = receiver.requests
            #expect(requests.map { $0.headers["webhook-id"] } == [event.id, event.id])
            #expect(requests.allSatisfy { $0.verifies(with: secret) })
            try await withDatabase(databaseURL) { database throws in
                // The answer reached the receiver; its record follows within the notifier's next writes, slower when the
                // whole suite shares the two cores.
                let done = await poll(timeout: .seconds(30)) {
                    (try? await count(
                        "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = \(endpoint) AND status = 'succeeded'", in: database))
                        == 1
                }
                #expect(done)
                #expect(try await count("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = \(endpoint)", in: database) == 1)
                #expect(
                    try await count("SELECT max(attempt_count)::int8 FROM webhook_deliveries WHERE endpoint_id = \(endpoint)", in: database)
                        == 2)
            }
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
