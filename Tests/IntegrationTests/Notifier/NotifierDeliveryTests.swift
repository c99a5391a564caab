import BallastCore
import BallastPostgres
import BallastTestSupport
import BallastWebhooks
import Foundation
import PostgresNIO
import Synchronization
import Testing

/// Events into signed deliveries to real local HTTP receivers, with real Postgres: retries, isolation, restarts,
/// two instances, auto-disable and the reasons failed attempts give.
@Suite("The notifier delivers events as signed webhooks")
struct NotifierDeliveryTests {
    @Test("an event reaches each subscribed endpoint once, signed so that a Standard Webhooks verifier and the seeds' check accept it")
    func signedDelivery() async throws {
        try await TestDatabase.with { database, _ in
            try await WebhookReceiver.with { receiver in
                let user = try await NotifierHarness.user(database)
                let other = try await NotifierHarness.user(database)
                let secret = WebhookSecret.generate()
                let all = try await NotifierHarness.endpoint(database, user: user, url: receiver.url("/all"), secret: secret)
                let fills = try await NotifierHarness.endpoint(
                    database, user: user, url: receiver.url("/fills"), events: ["order.filled"], secret: secret)
                let positions = try await NotifierHarness.endpoint(
                    database, user: user, url: receiver.url("/positions"), events: ["position.opened"])
                let strangers = try await NotifierHarness.endpoint(database, user: other, url: receiver.url("/other"))
                let event = try NotifierHarness.event("order.filled", user: user)
                try await NotifierHarness.running(database, settings: try NotifierHarness.settings()) {
                    // The stream delivers the message twice (a redelivery after a crash): still one delivery each.
                    for result in try await NotifierHarness.deliver([event, event], to: database) { try result.get() }
                    try await NotifierHarness.deliver([event], to: database).first?.get()
                    #expect(await eventually { receiver.requests.count >= 2 })
                    try await Task.sleep(for: .milliseconds(300))
                }
                let requests = receiver.requests
                #expect(requests.map(\.path).sorted() == ["/all", "/fills"])
                for request in requests {
                    #expect(request.verifies(with: secret))
                    #expect(request.body == event.data)
                    #expect(request.headers["webhook-id"] == event.id)
                    #expect(request.headers["x-webhook-event"] == "order.filled")
                    #expect(request.headers["x-webhook-signature"] == WebhookSignature.seedSignature(body: request.body, secret: secret))
                    #expect(request.headers["x-webhook-timestamp"].flatMap(RFC3339.date(from:)) != nil)
                    #expect(request.headers["user-agent"]?.hasPrefix("Ballast-Webhooks/") == true)
                    #expect(request.headers["content-type"] == "application/json")
                }
                #expect(!requests[0].verifies(with: .generate()))
                for endpoint in [all, fills] {
                    #expect(
                        await eventually {
                            try await NotifierHarness.deliveries(of: endpoint.id, in: database).map(\.status) == ["succeeded"]
                        })
                    #expect(try await NotifierHarness.attempts(of: endpoint.id, in: database).map(\.status) == [200])
                }
                #expect(try await NotifierHarness.deliveries(of: positions.id, in: database).isEmpty)
                #expect(try await NotifierHarness.deliveries(of: strangers.id, in: database).isEmpty)
            }
        }
    }

    @Test("an endpoint answering 500 then 200 gets two attempts with the same webhook-id, both in the delivery log")
    func retryAfterFailure() async throws {
        try await TestDatabase.with { database, _ in
            try await WebhookReceiver.with(answer: { number, _ in number == 0 ? .status(500, body: "down") : .status(200) }) { receiver in
                let user = try await NotifierHarness.user(database)
                let endpoint = try await NotifierHarness.endpoint(database, user: user, url: receiver.url())
                try await NotifierHarness.running(database, settings: try NotifierHarness.settings()) {
                    try await NotifierHarness.deliver([try NotifierHarness.event(user: user)], to: database).first?.get()
                    #expect(
                        await eventually {
                            try await NotifierHarness.deliveries(of: endpoint.id, in: database).first?.status == "succeeded"
                        })
                }
                let requests = receiver.requests
                #expect(requests.count == 2)
                #expect(Set(requests.compactMap { $0.headers["webhook-id"] }).count == 1)
                #expect(requests.count == 2 && requests[1].receivedAt.timeIntervalSince(requests[0].receivedAt) >= 0.7)
                let attempts = try await NotifierHarness.attempts(of: endpoint.id, in: database)
                #expect(attempts.map(\.number) == [1, 2])
                #expect(attempts.map(\.status) == [500, 200])
                let excerpt = try await database.query(
                    "SELECT response_excerpt FROM webhook_attempts WHERE number = 1 AND status_code = 500")
                for try await text in excerpt.decode(String?.self) { #expect(text == "down") }
            }
        }
    }

    @Test("an endpoint that hangs until its timeout does not delay deliveries to a healthy one")
    func hangingEndpointIsIsolated() async throws {
        try await TestDatabase.with { database, _ in
            try await WebhookReceiver.with(answer: { _, request in request.path == "/hang" ? .hang : .status(200) }) { receiver in
                let user = try await NotifierHarness.user(database)
                let hanging = try await NotifierHarness.endpoint(
                    database, user: user, url: receiver.url("/hang"), events: ["order.created"])
                let healthy = try await NotifierHarness.endpoint(database, user: user, url: receiver.url("/ok"), events: ["order.filled"])
                let settings = try NotifierHarness.settings([
                    "BALLAST_WEBHOOK_TIMEOUT_SECONDS": "12", "BALLAST_WEBHOOK_ENDPOINT_CONCURRENCY": "2",
                ])
                try await NotifierHarness.running(database, settings: settings) {
                    // The hanging endpoint's backlog first, then the healthy endpoint's events behind it.
                    let stuck = try (0..<20).map { _ in try NotifierHarness.event("order.created", user: user) }
                    try await NotifierHarness.deliver(stuck, to: database).forEach { try $0.get() }
                    try await Task.sleep(for: .milliseconds(200))
                    let started = ContinuousClock.now
                    let fine = try (0..<20).map { _ in try NotifierHarness.event("order.filled", user: user) }
                    try await NotifierHarness.deliver(fine, to: database).forEach { try $0.get() }
                    // Before the hanging endpoint's 12 s timeout: deliveries queued behind it would take at least that.
                    #expect(await eventually(timeout: .seconds(11)) { receiver.requests.filter { $0.path == "/ok" }.count == 20 })
                    #expect(ContinuousClock.now - started < .seconds(11))
                    // Never more than the per-endpoint cap at the hanging endpoint at once.
                    #expect(receiver.requests.filter { $0.path == "/hang" }.count == 2)
                }
                #expect(try await NotifierHarness.deliveries(of: healthy.id, in: database).allSatisfy { $0.status == "succeeded" })
                _ = hanging
            }
        }
    }

    @Test("a retry scheduled before a restart is made by the notifier that runs after it")
    func retrySurvivesRestart() async throws {
        try await TestDatabase.with { database, _ in
            try await WebhookReceiver.with(answer: { number, _ in number == 0 ? .status(503) : .status(204) }) { receiver in
                let user = try await NotifierHarness.user(database)
                let endpoint = try await NotifierHarness.endpoint(database, user: user, url: receiver.url())
                let settings = try NotifierHarness.settings(["BALLAST_WEBHOOK_RETRY_SCHEDULE": "0,2s"])
                try await NotifierHarness.running(database, settings: settings) {
                    try await NotifierHarness.deliver([try NotifierHarness.event(user: user)], to: database).first?.get()
                    #expect(await eventually { try await NotifierHarness.attempts(of: endpoint.id, in: database).count == 1 })
                }
                // The first notifier is gone; the retry waits in Postgres.
                #expect(try await NotifierHarness.deliveries(of: endpoint.id, in: database).map(\.status) == ["pending"])
                try await NotifierHarness.running(database, settings: settings) {
                    #expect(
                        await eventually {
                            try await NotifierHarness.deliveries(of: endpoint.id, in: database).first?.status == "succeeded"
                        })
                }
                #expect(try await NotifierHarness.attempts(of: endpoint.id, in: database).map(\.status) == [503, 204])
                #expect(Set(receiver.requests.compactMap { $0.headers["webhook-id"] }).count == 1)
            }
        }
    }

    @Test("two notifier instances share the deliveries and make each attempt once")
    func twoInstancesAttemptOnce() async throws {
        try await TestDatabase.with { database, _ in
            try await WebhookReceiver.with { receiver in
                let user = try await NotifierHarness.user(database)
                var endpoints: [WebhookEndpoint] = []
                for index in 0..<4 {
                    endpoints.append(try await NotifierHarness.endpoint(database, user: user, url: receiver.url("/\(index)")))
                }
                let events = try (0..<100).map { _ in try NotifierHarness.event(user: user) }
                try await NotifierHarness.running(database, settings: try NotifierHarness.settings(), instances: 2) {
                    for chunk in stride(from: 0, to: events.count, by: 10) {
                        try await NotifierHarness.deliver(Array(events[chunk..<chunk + 10]), to: database).forEach { try $0.get() }
                    }
                    #expect(await eventually(timeout: .seconds(30)) { receiver.requests.count >= 400 })
                    try await Task.sleep(for: .milliseconds(500))
                }
                let keys = receiver.requests.map { "\($0.path) \($0.headers["webhook-id"] ?? "")" }
                #expect(keys.count == 400)
                #expect(Set(keys).count == 400)
                let attempts = try await database.count("SELECT count(*) FROM webhook_attempts")
                #expect(attempts == 400)
                let notDone = try await database.count(
                    "SELECT count(*) FROM webhook_deliveries WHERE status <> 'succeeded' OR attempt_count <> 1")
                #expect(notDone == 0)
            }
        }
    }

    @Test("consecutive failed deliveries disable an endpoint, tell the owner's other endpoints, and enable + recover sends what it missed")
    func autoDisableAndRecover() async throws {
        try await TestDatabase.with { database, _ in
            let healthy = Mutex(false)
            try await WebhookReceiver.with(answer: { _, request in
                request.path == "/flaky" && !healthy.withLock { $0 } ? .status(500) : .status(200)
            }) { receiver in
                let user = try await NotifierHarness.user(database)
                let flaky = try await NotifierHarness.endpoint(database, user: user, url: receiver.url("/flaky"), events: ["order.filled"])
                let watcher = try await NotifierHarness.endpoint(
                    database, user: user, url: receiver.url("/watcher"), events: ["webhook.disabled"])
                let settings = try NotifierHarness.settings([
                    "BALLAST_WEBHOOK_RETRY_SCHEDULE": "0", "BALLAST_WEBHOOK_DISABLE_AFTER_FAILURES": "3",
                    "BALLAST_WEBHOOK_DISABLE_AFTER_HOURS": "0",
                ])
                let store = WebhookEndpointStore(database: database, logger: TestServers.logger)
                let since = Date().addingTimeInterval(-1)
                try await NotifierHarness.running(database, settings: settings) {
                    for _ in 0..<2 { try await NotifierHarness.deliver([try NotifierHarness.event(user: user)], to: database).first?.get() }
                    #expect(await eventually { try await NotifierHarness.attempts(of: flaky.id, in: database).count == 2 })
                    #expect(try await store.get(flaky.id, user: user)?.enabled == true)
                    #expect(try await store.get(flaky.id, user: user)?.failureCount == 2)
                    try await NotifierHarness.deliver([try NotifierHarness.event(user: user)], to: database).first?.get()
                    #expect(await eventually { try await store.get(flaky.id, user: user)?.enabled == false })
                }
                let disabled = try #require(try await store.get(flaky.id, user: user))
                #expect(disabled.disabledReason?.hasPrefix("3 consecutive failed deliveries since ") == true)
                #expect(disabled.disabledAt != nil)
                // The announcement goes through the outbox like every event; fed to the intake, it reaches the watcher.
                let announcement = try #require(try await Self.outboxEvent("webhook.disabled", in: database))
                #expect(announcement.data.contains(flaky.id.uuidString))
                try await NotifierHarness.running(database, settings: settings) {
                    try await NotifierHarness.deliver([announcement], to: database).first?.get()
                    try await NotifierHarness.deliver([try NotifierHarness.event(user: user)], to: database).first?.get()
                    #expect(await eventually { receiver.requests.contains { $0.path == "/watcher" } })
                }
                #expect(receiver.requests.first { $0.path == "/watcher" }?.headers["x-webhook-event"] == "webhook.disabled")
                // The event that came while it was disabled is kept as missed, not attempted.
                #expect(
                    try await NotifierHarness.deliveries(of: flaky.id, in: database).map(\.status) == [
                        "failed", "failed", "failed", "missed",
                    ])
                healthy.withLock { $0 = true }
                let enabled = try #require(try await store.enable(flaky.id, user: user))
                #expect(enabled.enabled && enabled.failureCount == 0 && enabled.disabledReason == nil)
                let deliveries = WebhookDeliveryStore(database: database, logger: TestServers.logger)
                #expect(try await deliveries.recover(endpoint: flaky.id, user: user, since: since) == 4)
                try await NotifierHarness.running(database, settings: settings) {
                    #expect(
                        await eventually {
                            try await NotifierHarness.deliveries(of: flaky.id, in: database).allSatisfy { $0.status == "succeeded" }
                        })
                }
                _ = watcher
            }
        }
    }

    @Test("a short outage does not disable: failures within the span stay counted, and a success ends the streak")
    func shortOutageDoesNotDisable() async throws {
        try await TestDatabase.with { database, _ in
            let down = Mutex(true)
            try await WebhookReceiver.with(answer: { _, _ in down.withLock { $0 } ? .status(503) : .status(200) }) { receiver in
                let user = try await NotifierHarness.user(database)
                let endpoint = try await NotifierHarness.endpoint(database, user: user, url: receiver.url())
                let settings = try NotifierHarness.settings([
                    "BALLAST_WEBHOOK_RETRY_SCHEDULE": "0", "BALLAST_WEBHOOK_DISABLE_AFTER_FAILURES": "2",
                    "BALLAST_WEBHOOK_DISABLE_AFTER_HOURS": "1",
                ])
                let store = WebhookEndpointStore(database: database, logger: TestServers.logger)
                try await NotifierHarness.running(database, settings: settings) {
                    for _ in 0..<3 { try await NotifierHarness.deliver([try NotifierHarness.event(user: user)], to: database).first?.get() }
                    #expect(await eventually { try await store.get(endpoint.id, user: user)?.failureCount == 3 })
                    let failing = try #require(try await store.get(endpoint.id, user: user))
                    // Three failed deliveries, more than the two allowed, but within the hour: still enabled.
                    #expect(failing.enabled && failing.failingSince != nil)
                    // A client saving the endpoint with every field, enabled included, does not wipe the streak.
                    _ = try await store.update(
                        endpoint.id, user: user, changes: WebhookEndpointChanges(description: "saved", enabled: true))
                    #expect(try await store.get(endpoint.id, user: user)?.failureCount == 3)
                    down.withLock { $0 = false }
                    try await NotifierHarness.deliver([try NotifierHarness.event(user: user)], to: database).first?.get()
                    #expect(await eventually { try await store.get(endpoint.id, user: user)?.failureCount == 0 })
                }
                let healed = try #require(try await store.get(endpoint.id, user: user))
                #expect(healed.enabled && healed.failingSince == nil && healed.lastTriggeredAt != nil)
            }
        }
    }

    @Test("an answer whose body holds a NUL byte is logged without it, and the delivery follows its schedule")
    func binaryAnswerIsLogged() async throws {
        try await TestDatabase.with { database, _ in
            try await WebhookReceiver.with(answer: { number, _ in number == 0 ? .status(500, body: "bad\u{0}body") : .status(200) }) {
                receiver in
                let user = try await NotifierHarness.user(database)
                let endpoint = try await NotifierHarness.endpoint(database, user: user, url: receiver.url())
                try await NotifierHarness.running(database, settings: try NotifierHarness.settings()) {
                    try await NotifierHarness.deliver([try NotifierHarness.event(user: user)], to: database).first?.get()
                    #expect(
                        await eventually {
                            try await NotifierHarness.deliveries(of: endpoint.id, in: database).first?.status == "succeeded"
                        })
                }
                #expect(try await NotifierHarness.attempts(of: endpoint.id, in: database).map(\.status) == [500, 200])
                let rows = try await database.query("SELECT response_excerpt FROM webhook_attempts WHERE status_code = 500")
                for try await excerpt in rows.decode(String?.self) { #expect(excerpt == "badbody") }
            }
        }
    }

    @Test("a plain-HTTP endpoint named by a host name, sent to the address that was checked, still gets its name in Host")
    func plainHTTPIsPinnedToTheCheckedAddress() async throws {
        try await TestDatabase.with { database, _ in
            try await WebhookReceiver.with { receiver in
                let user = try await NotifierHarness.user(database)
                let endpoint = try await NotifierHarness.endpoint(database, user: user, url: "http://localhost:\(receiver.port)/named")
                try await NotifierHarness.running(database, settings: try NotifierHarness.settings()) {
                    try await NotifierHarness.deliver([try NotifierHarness.event(user: user)], to: database).first?.get()
                    #expect(
                        await eventually {
                            try await NotifierHarness.deliveries(of: endpoint.id, in: database).first?.status == "succeeded"
                        })
                }
                #expect(receiver.requests.map { $0.headers["host"] } == ["localhost:\(receiver.port)"])
            }
        }
    }

    @Test("a redirect, a name that does not resolve, a closed port, a timeout and a dropped connection are failed attempts that say why")
    func failureReasons() async throws {
        try await TestDatabase.with { database, _ in
            try await WebhookReceiver.with(answer: { _, request in
                request.path == "/moved" ? .status(301, headers: ["Location": "http://169.254.169.254/"]) : .hang
            }) { receiver in
                let user = try await NotifierHarness.user(database)
                let closing = try ClosingServer()
                let closed = try ClosedPort()
                let cases: [(url: String, reason: String)] = [
                    (receiver.url("/moved"), "redirect not followed (301 to http://169.254.169.254/)"),
                    ("http://nowhere.invalid/hook", "nowhere.invalid"),
                    ("http://127.0.0.1:\(closed.port)/hook", "refused"),
                    (receiver.url("/hang"), "timed out"),
                    (closing.url(), "closed the connection"),
                ]
                var endpoints: [UUID] = []
                for item in cases { endpoints.append(try await NotifierHarness.endpoint(database, user: user, url: item.url).id) }
                let settings = try NotifierHarness.settings(["BALLAST_WEBHOOK_TIMEOUT_SECONDS": "1", "BALLAST_WEBHOOK_RETRY_SCHEDULE": "0"])
                try await NotifierHarness.running(database, settings: settings) {
                    try await NotifierHarness.deliver([try NotifierHarness.event(user: user)], to: database).first?.get()
                    #expect(
                        await eventually {
                            try await database.count("SELECT count(*) FROM webhook_deliveries WHERE status = 'failed'") == cases.count
                        })
                }
                withExtendedLifetime(closed) {}
                for (endpoint, item) in zip(endpoints, cases) {
                    let attempts = try await NotifierHarness.attempts(of: endpoint, in: database)
                    #expect(attempts.count == 1)
                    let error = attempts.first?.error ?? ""
                    #expect(!error.isEmpty, "\(item.url)")
                    #expect(error.contains(item.reason), "\(item.url): \(error)")
                }
            }
        }
    }

    @Test("a 429's Retry-After puts the next attempt at least that far out")
    func retryAfterIsHonoured() async throws {
        try await TestDatabase.with { database, _ in
            try await WebhookReceiver.with(answer: { _, _ in .status(429, headers: ["Retry-After": "30"]) }) { receiver in
                let user = try await NotifierHarness.user(database)
                let endpoint = try await NotifierHarness.endpoint(database, user: user, url: receiver.url())
                try await NotifierHarness.running(database, settings: try NotifierHarness.settings()) {
                    try await NotifierHarness.deliver([try NotifierHarness.event(user: user)], to: database).first?.get()
                    #expect(await eventually { try await NotifierHarness.attempts(of: endpoint.id, in: database).count == 1 })
                }
                let wait = try await database.count(
                    "SELECT extract(epoch FROM next_attempt_at - updated_at)::int8 FROM webhook_deliveries WHERE endpoint_id = \(endpoint.id)"
                )
                #expect((28...40).contains(wait))
            }
        }
    }

    @Test("with private targets not allowed, an endpoint that points at a private address fails at send time without a request")
    func privateTargetRefusedAtSendTime() async throws {
        try await TestDatabase.with { database, _ in
            try await WebhookReceiver.with { receiver in
                let user = try await NotifierHarness.user(database)
                // Registered while allowed (or its name resolved elsewhere then); refused when the notifier sends.
                let endpoint = try await NotifierHarness.endpoint(database, user: user, url: receiver.url())
                let settings = try NotifierHarness.settings(["BALLAST_ALLOW_PRIVATE_TARGETS": "0", "BALLAST_WEBHOOK_RETRY_SCHEDULE": "0"])
                try await NotifierHarness.running(database, settings: settings) {
                    try await NotifierHarness.deliver([try NotifierHarness.event(user: user)], to: database).first?.get()
                    #expect(await eventually { try await NotifierHarness.attempts(of: endpoint.id, in: database).count == 1 })
                }
                #expect(receiver.requests.isEmpty)
                let error = try await NotifierHarness.attempts(of: endpoint.id, in: database).first?.error ?? ""
                #expect(error.contains("127.0.0.1") && error.contains("BALLAST_ALLOW_PRIVATE_TARGETS"), "\(error)")
            }
        }
    }

    /// The newest outbox message of `type`, as an envelope.
    static func outboxEvent(_ type: String, in database: PostgresClient) async throws -> Envelope? {
        let rows = try await database.query(
            "SELECT message_id, occurred_at, data FROM outbox WHERE type = \(type) ORDER BY id DESC LIMIT 1")
        for try await (id, time, data) in rows.decode((String, Date, String).self) {
            return Envelope(id: id, type: type, timestamp: time, data: data)
        }
        return nil
    }
}
