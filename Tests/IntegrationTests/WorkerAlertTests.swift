import BallastCore
import BallastPostgres
import BallastRedis
import BallastScheduler
import BallastService
import BallastTestSupport
import BallastUsers
import BallastWebhooks
import Foundation
import PostgresNIO
import ServiceLifecycle
import Synchronization
import Testing

@Suite("Alerts on repeated worker failures, with real Redis and PostgreSQL")
struct WorkerAlertTests {
    struct Broken: Error, CustomStringConvertible {
        var description: String { "the job's dependency is broken" }
    }

    /// Whether the work under test fails, switched by the test while the worker runs.
    final class Breakdown: Sendable {
        private let state = Mutex(true)
        var isOn: Bool { state.withLock { $0 } }
        func repair() { state.withLock { $0 = false } }
    }

    /// An event as the notifier reads it from the stream.
    struct Event: Equatable {
        var type: String
        var userID: String
        var data: JSONValue
    }

    static func events(on stream: String, redis: RedisClient) async throws -> [Event] {
        try await redis.entries(of: stream).compactMap { fields in
            guard let type = fields["type"], let text = fields["data"], let body = try? JSONValue(parsing: Array(text.utf8)),
                case .string(let user)? = body["userId"], let data = body["data"]
            else { return nil }
            return Event(type: type, userID: user.lowercased(), data: data)
        }
    }

    static func count(_ type: String, in events: [Event]) -> Int { events.filter { $0.type == type }.count }

    /// Runs `services` in the background while `body` runs.
    static func whileRunning(_ services: [any Service], _ body: @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in services { group.addTask { try await service.run() } }
            defer { group.cancelAll() }
            try await body()
        }
    }

    @Test("a job that always throws raises exactly one system.alert for the admin; its first success resolves it once")
    func failingJob() async throws {
        let redis = RedisClient(endpoint: try TestServers.redis)
        let stream = TestServers.unique("ballast:test:events")
        let name = TestServers.unique("it.alert")
        try await TestDatabase.with { database, _ in
            let users = UserStore(database: database, logger: TestServers.logger)
            let admin = try await users.createUser(named: "operator")
            _ = try await users.createAPIKey(forUser: "operator", isAdmin: true)
            try await users.createUser(named: "trader")
            _ = try await users.createAPIKey(forUser: "trader")

            let failing = Breakdown()
            let job = try Job(name, schedule: "* * * * * *") { _ in
                if failing.isOn { throw Broken() }
            }
            let alarms = WorkerAlarms(settings: AlertSettings(failures: 3, window: .seconds(60)))
            let producer = StreamProducer(client: redis)
            let runner = JobRunner(
                jobs: [job], database: database, redis: redis, configuration: .init(service: "test", instance: "it-1"), alarms: alarms,
                logger: TestServers.logger)
            let publisher = AlertPublisher(
                alarms: alarms, database: database, producer: producer, service: "test", instance: "it-1", stream: stream,
                logger: TestServers.logger)
            let relay = OutboxRelay(database: database, producer: producer, logger: TestServers.logger)

            try await Self.whileRunning([runner, publisher, relay]) {
                #expect(
                    await eventually(timeout: .seconds(20)) {
                        Self.count(SystemAlert.raised, in: try await Self.events(on: stream, redis: redis)) >= 1
                    })
                // More failures in the same episode: still one alert.
                let failedRuns = try await database.count("SELECT count(*) FROM job_runs WHERE job = \(name) AND outcome = 'failed'")
                #expect(
                    await eventually(timeout: .seconds(20)) {
                        try await database.count("SELECT count(*) FROM job_runs WHERE job = \(name) AND outcome = 'failed'") >= failedRuns
                            + 2
                    })
                failing.repair()
                #expect(
                    await eventually(timeout: .seconds(20)) {
                        Self.count(SystemAlert.resolved, in: try await Self.events(on: stream, redis: redis)) >= 1
                    })
                // Later successes resolve nothing more.
                let succeeded = try await database.count("SELECT count(*) FROM job_runs WHERE job = \(name) AND outcome = 'succeeded'")
                #expect(
                    await eventually(timeout: .seconds(20)) {
                        try await database.count("SELECT count(*) FROM job_runs WHERE job = \(name) AND outcome = 'succeeded'") >= succeeded
                            + 2
                    })
            }

            let events = try await Self.events(on: stream, redis: redis)
            #expect(events.map(\.type) == [SystemAlert.raised, SystemAlert.resolved])
            #expect(events.allSatisfy { $0.userID == admin.uuidString.lowercased() })
            let alert = try #require(events.first?.data)
            #expect(alert["worker"] == .string(JobRunner.alarmName(for: name)))
            #expect(alert["service"] == .string("test"))
            #expect(alert["instance"] == .string("it-1"))
            #expect(alert["failures"] == .number("3"))
            #expect(alert["windowSeconds"] == .number("60"))
            #expect(alert["firstError"] == .string("the job's dependency is broken"))
            #expect(alert["resolvedAt"] == nil)
            #expect(events.last?.data["resolvedAt"] != nil)
            #expect(alarms.alerting.isEmpty)
            // The catalogue's example shows what is sent.
            for event in events {
                let example = try #require(WebhookEventType.catalogue.first { $0.name == event.type }?.exampleData)
                #expect(Self.keys(of: try JSONValue(parsing: Array(example.utf8))) == Self.keys(of: event.data))
            }
        }
    }

    @Test("a consumer whose handler always throws on one user's messages alerts that user and the admin, once each")
    func failingConsumer() async throws {
        let redis = RedisClient(endpoint: try TestServers.redis)
        let events = TestServers.unique("ballast:test:events")
        let input = TestServers.unique("ballast:test:input")
        try await TestDatabase.with { database, _ in
            let users = UserStore(database: database, logger: TestServers.logger)
            let admin = try await users.createUser(named: "operator")
            _ = try await users.createAPIKey(forUser: "operator", isAdmin: true)
            let owner = try await users.createUser(named: "trader")

            let failing = Breakdown()
            let alarms = WorkerAlarms(settings: AlertSettings(failures: 3, window: .seconds(60)))
            var configuration = testConsumerConfiguration(stream: input, consumer: "c1")
            configuration.batchSize = 1
            configuration.processingTimeout = .seconds(30)
            let consumer = StreamConsumer(
                configuration: configuration, client: redis,
                handler: ConcurrentMessageHandler { _ in if failing.isOn { throw Broken() } },
                alarms: alarms, logger: TestServers.logger)
            let producer = StreamProducer(client: redis)
            let publisher = AlertPublisher(
                alarms: alarms, database: database, producer: producer, service: "test", instance: "it-2", stream: events,
                logger: TestServers.logger)
            let relay = OutboxRelay(database: database, producer: producer, logger: TestServers.logger)

            try await Self.whileRunning([consumer, publisher, relay]) {
                for _ in 0..<5 {
                    try await producer.publish(try Envelope.event("test.owned", userID: owner, at: Date(), data: ["n": 1]), to: input)
                }
                #expect(
                    await eventually(timeout: .seconds(20)) {
                        Self.count(SystemAlert.raised, in: try await Self.events(on: events, redis: redis)) == 2
                    })
                failing.repair()
                try await producer.publish(try Envelope.event("test.owned", userID: owner, at: Date(), data: ["n": 2]), to: input)
                #expect(
                    await eventually(timeout: .seconds(20)) {
                        Self.count(SystemAlert.resolved, in: try await Self.events(on: events, redis: redis)) == 2
                    })
            }

            let published = try await Self.events(on: events, redis: redis)
            #expect(Self.count(SystemAlert.raised, in: published) == 2)
            #expect(Self.count(SystemAlert.resolved, in: published) == 2)
            #expect(Set(published.map(\.userID)) == [admin.uuidString.lowercased(), owner.uuidString.lowercased()])
            #expect(published.first?.data["worker"] == .string("consumer \(input)"))
        }
    }

    @Test("when the outbox cannot be written, the alert goes to the stream directly")
    func databaseDown() async throws {
        let redis = RedisClient(endpoint: try TestServers.redis)
        let stream = TestServers.unique("ballast:test:events")
        let closed = try ClosedPort()
        let endpoint = try PostgresEndpoint(url: "postgres://ballast:ballast@127.0.0.1:\(closed.port)/ballast", variable: "TEST")
        let database = Database.makeClient(endpoint, maxConnections: 1, logger: TestServers.logger)
        let owner = UUID()
        let alarms = WorkerAlarms(settings: AlertSettings(failures: 2, window: .seconds(60)))
        let publisher = AlertPublisher(
            alarms: alarms, database: database, producer: StreamProducer(client: redis), service: "test", instance: "it-3",
            stream: stream, logger: TestServers.logger)

        try await Self.whileRunning([database, publisher]) {
            alarms.failed("outbox relay", reason: "postgres connection refused", owner: owner)
            alarms.failed("outbox relay", reason: "postgres connection refused", owner: owner)
            #expect(await eventually(timeout: .seconds(20)) { try await Self.events(on: stream, redis: redis).count == 1 })
        }
        let events = try await Self.events(on: stream, redis: redis)
        #expect(events == [Event(type: SystemAlert.raised, userID: owner.uuidString.lowercased(), data: try #require(events.first?.data))])
        #expect(events.first?.data["lastError"] == .string("postgres connection refused"))
        _ = closed
    }

    /// The keys of a JSON object, sorted.
    static func keys(of value: JSONValue) -> [String] {
        guard case .object(let members) = value else { return [] }
        return members.map(\.key).sorted()
    }
}
