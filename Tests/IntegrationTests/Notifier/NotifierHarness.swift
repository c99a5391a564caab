import AsyncHTTPClient
import BallastCore
import BallastRedis
import BallastTestSupport
import BallastUsers
import BallastWebhooks
import Foundation
import PostgresNIO
import ServiceLifecycle

@testable import Notifier

/// Runs the notifier's parts in this process on a test database: the intake fed by hand (the tests do not share the
/// `ballast:events` stream) and one or more dispatchers with their writers.
enum NotifierHarness {
    /// Test settings: private targets allowed (the receivers are on 127.0.0.1), short timeouts and retries.
    static func settings(_ overrides: [String: String] = [:]) throws -> WebhookSettings {
        let values = [
            "BALLAST_ALLOW_PRIVATE_TARGETS": "1", "BALLAST_WEBHOOK_TIMEOUT_SECONDS": "2", "BALLAST_WEBHOOK_RETRY_SCHEDULE": "0,1s,1s",
        ].merging(overrides) { _, override in override }
        return try WebhookSettings(environment: EnvironmentReader(values))
    }

    /// The first dispatcher of the innermost `running`, which the intake hands its claimed deliveries to.
    @TaskLocal static var dispatcher: DeliveryDispatcher?

    /// Feeds `envelopes` to the notifier's intake as if read from `ballast:events` (inside `running`).
    @discardableResult
    static func deliver(_ envelopes: [Envelope], to database: PostgresClient) async throws -> [Result<Void, any Error>] {
        guard let dispatcher else { throw TestSetupError("deliver runs inside NotifierHarness.running") }
        let store = WebhookDeliveryStore(database: database, logger: TestServers.logger)
        let intake = EventIntake(
            database: database, dispatcher: dispatcher, store: store, lease: .seconds(12), logger: TestServers.logger)
        let messages = envelopes.enumerated().map { index, envelope in
            StreamMessage(stream: StreamName.events, entryID: "\(index + 1)-0", envelope: envelope, deliveryCount: 1)
        }
        return await intake.handle(messages)
    }

    /// Runs `instances` notifiers (dispatcher and writer each) while `body` runs, then shuts them down the way SIGTERM
    /// does: attempts under way finish and their results are written.
    static func running<Value: Sendable>(
        _ database: PostgresClient, settings: WebhookSettings, instances: Int = 1, _ body: @Sendable () async throws -> Value
    ) async throws -> Value {
        let client = WebhookSender.makeHTTPClient(settings: settings)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        var dispatchers: [DeliveryDispatcher] = []
        for _ in 0..<instances {
            let store = WebhookDeliveryStore(database: database, logger: TestServers.logger)
            let writer = AttemptWriter(store: store, settings: settings, logger: TestServers.logger)
            let dispatcher = DeliveryDispatcher(
                store: store, sender: WebhookSender(httpClient: client, settings: settings), writer: writer, settings: settings,
                logger: TestServers.logger)
            services += [.init(service: writer), .init(service: dispatcher)]
            dispatchers.append(dispatcher)
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [], cancellationSignals: [], logger: TestServers.logger))
        let result: Result<Value, any Error>
        do {
            result = .success(
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    let value: Result<Value, any Error>
                    do {
                        value = .success(try await $dispatcher.withValue(dispatchers[0]) { try await body() })
                    } catch {
                        value = .failure(error)
                    }
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                    return try value.get()
                })
        } catch {
            result = .failure(error)
        }
        try await client.shutdown()
        return try result.get()
    }

    static func user(_ database: PostgresClient) async throws -> UUID {
        try await UserStore(database: database, logger: TestServers.logger).createUser(named: TestServers.unique("user"))
    }

    static func endpoint(
        _ database: PostgresClient, user: UUID, url: String, events: [String] = ["*"], secret: WebhookSecret = .generate()
    ) async throws -> WebhookEndpoint {
        try await WebhookEndpointStore(database: database, logger: TestServers.logger).create(
            user: user, url: try WebhookTargetURL(parsing: url), events: events, description: "", secret: secret, enabled: true)
    }

    static func event(_ type: String = "order.filled", user: UUID, data: [String: String] = ["id": UUID().uuidString]) throws -> Envelope {
        try Envelope.event(type, userID: user, at: Date(), data: data)
    }

    /// The deliveries of `endpoint` as (status, attempt count).
    static func deliveries(of endpoint: UUID, in database: PostgresClient) async throws -> [(status: String, attempts: Int)] {
        let rows = try await database.query(
            "SELECT status, attempt_count FROM webhook_deliveries WHERE endpoint_id = \(endpoint) ORDER BY created_at, id")
        var found: [(String, Int)] = []
        for try await (status, attempts) in rows.decode((String, Int32).self) { found.append((status, Int(attempts))) }
        return found
    }

    /// The attempts logged for `endpoint`'s deliveries: number, status code, error.
    static func attempts(of endpoint: UUID, in database: PostgresClient) async throws -> [(number: Int, status: Int?, error: String?)] {
        let rows = try await database.query(
            """
            SELECT a.number, a.status_code, a.error FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
            WHERE d.endpoint_id = \(endpoint) ORDER BY a.attempted_at, a.number
            """)
        var found: [(Int, Int?, String?)] = []
        for try await (number, status, error) in rows.decode((Int32, Int32?, String?).self) {
            found.append((Int(number), status.map(Int.init), error))
        }
        return found
    }
}
