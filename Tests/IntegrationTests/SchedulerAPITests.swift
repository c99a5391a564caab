import BallastCore
import BallastRedis
import BallastScheduler
import BallastUsers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import PostgresNIO
import Testing

@Suite("Scheduler API (/api/v1/scheduler) over real HTTP with real Postgres and Redis")
struct SchedulerAPITests {
    struct Page: Decodable {
        var data: [ScheduledJob]
    }

    struct ScheduledJob: Decodable {
        struct Run: Decodable {
            var status: String
            var trigger: String
            var tick: String
            var startedAt: String
            var finishedAt: String?
            var error: String?
        }

        var name: String
        var service: String
        var schedule: String
        var timeZone: String
        var overridden: Bool
        var enabled: Bool
        var running: Bool
        var nextRun: String?
        var triggerRequestedAt: String?
        var lastRun: Run?
    }

    /// What each test gets: a live ingest on a fresh database with two jobs of two services registered the way
    /// `JobStore.register` does, an admin key and an ordinary key.
    struct API {
        let database: PostgresClient
        let client: TestClientProtocol
        let adminKey: String
        let userKey: String
        /// Hourly, on the "rebalancer" service, never run.
        let hourly: String
        /// Daily at 03:00 Berlin, on the "notifier" service, with a finished run.
        let daily: String

        func call(_ method: HTTPRequest.Method, _ uri: String, key: String, json: String? = nil) async throws -> APIReply {
            try await client.call(method, uri, key: key, json: json)
        }

        func list(key: String? = nil) async throws -> [ScheduledJob] {
            let reply = try await call(.get, "/api/v1/scheduler", key: key ?? userKey)
            #expect(reply.status == .ok, "\(reply.text)")
            return try reply.decode(Page.self).data
        }

        /// The row as the runners read it.
        func row(_ job: String) async throws -> (enabled: Bool, schedule: String?, zone: String?, trigger: Date?, sequence: Int64) {
            let rows = try await database.query(
                """
                SELECT enabled, override_schedule, override_time_zone, trigger_requested_at, trigger_sequence
                FROM scheduled_jobs WHERE name = \(job)
                """)
            for try await row in rows.decode((Bool, String?, String?, Date?, Int64).self) { return row }
            throw TestSetupError("no row for \(job)")
        }
    }

    static func withAPI(_ body: @Sendable (API) async throws -> Void) async throws {
        try await TestDatabase.with { database, _ in
            let users = UserStore(database: database, logger: TestServers.logger)
            let admin = TestServers.unique("ops")
            let user = TestServers.unique("ann")
            try await users.createUser(named: admin)
            try await users.createUser(named: user)
            let adminKey = try await users.createAPIKey(forUser: admin, isAdmin: true).key
            let userKey = try await users.createAPIKey(forUser: user).key
            let hourly = TestServers.unique("it.hourly")
            let daily = TestServers.unique("it.daily")
            try await database.query(
                """
                INSERT INTO scheduled_jobs (name, service, schedule, time_zone)
                VALUES (\(hourly), 'rebalancer', '0 * * * *', 'UTC'), (\(daily), 'notifier', '0 3 * * *', 'Europe/Berlin')
                """)
            try await database.query(
                """
                INSERT INTO job_runs (job, tick, trigger, instance, started_at, finished_at, outcome)
                VALUES (\(daily), '2026-01-02T02:00:00Z', 'schedule', 'n-1', '2026-01-02T02:00:01Z', '2026-01-02T02:00:03Z', 'succeeded')
                """)
            let configuration = try IngestConfiguration(environment: EnvironmentReader([:]))
            try await Application(router: try ingestRouter(database, configuration)).test(.live) { client in
                try await body(
                    API(database: database, client: client, adminKey: adminKey, userKey: userKey, hourly: hourly, daily: daily))
            }
        }
    }

    @Test("any key lists every job of every service with its schedule, next run and last run; no key is a 401")
    func listsEveryJob() async throws {
        try await Self.withAPI { api in
            let jobs = try await api.list()
            #expect(jobs.map(\.name) == [api.daily, api.hourly])
            #expect(jobs.map(\.service) == ["notifier", "rebalancer"])
            let daily = try #require(jobs.first { $0.name == api.daily })
            let hourly = try #require(jobs.first { $0.name == api.hourly })
            #expect([daily.schedule, daily.timeZone] == ["0 3 * * *", "Europe/Berlin"])
            #expect(daily.enabled && !daily.running && !daily.overridden)
            #expect(daily.lastRun?.status == "succeeded")
            #expect(daily.lastRun?.startedAt == "2026-01-02T02:00:01.000Z")
            #expect(daily.lastRun?.finishedAt == "2026-01-02T02:00:03.000Z")
            #expect(hourly.lastRun == nil)
            let next = try #require(hourly.nextRun.flatMap(RFC3339.date(from:)))
            #expect(next > Date() && next.timeIntervalSinceNow <= 3600)
            #expect(Int(next.timeIntervalSince1970) % 3600 == 0)
            #expect(try await api.list(key: api.adminKey).count == 2)

            try await api.database.query(
                "INSERT INTO job_runs (job, tick, trigger, instance) VALUES (\(api.hourly), now(), 'manual', 'r-1')")
            let running = try #require(try await api.list().first { $0.name == api.hourly })
            #expect(running.running && running.lastRun?.status == "running" && running.lastRun?.trigger == "manual")

            let anonymous = try await api.call(.get, "/api/v1/scheduler", key: "")
            #expect(anonymous.status == .unauthorized)
            #expect(try anonymous.problem.status == 401)
            #expect(try await api.call(.post, "/api/v1/scheduler/\(api.hourly)/stop", key: "").status == .unauthorized)
        }
    }

    @Test("a failed run's error text is shown to admin keys only: it may name another user's data")
    func errorsForAdminsOnly() async throws {
        try await Self.withAPI { api in
            try await api.database.query(
                """
                INSERT INTO job_runs (job, tick, trigger, instance, started_at, finished_at, outcome, error)
                VALUES (\(api.hourly), '2026-01-02T03:00:00Z', 'schedule', 'r-1', '2026-01-02T03:00:01Z', '2026-01-02T03:00:02Z',
                        'failed', 'portfolio 42 of user ann: no price for BTC')
                """)
            let seenByUser = try #require(try await api.list().first { $0.name == api.hourly })
            #expect(seenByUser.lastRun?.status == "failed")
            #expect(seenByUser.lastRun?.error == nil)
            let seenByAdmin = try #require(try await api.list(key: api.adminKey).first { $0.name == api.hourly })
            #expect(seenByAdmin.lastRun?.error == "portfolio 42 of user ann: no price for BTC")
        }
    }

    @Test("a reschedule with a field the API does not know is a 400 naming it, and changes nothing")
    func unknownFieldsAreRefused() async throws {
        try await Self.withAPI { api in
            let reply = try await api.call(.put, "/api/v1/scheduler/\(api.daily)", key: api.adminKey, json: #"{"cron":"*/5 * * * *"}"#)
            #expect(reply.status == .badRequest, "\(reply.text)")
            #expect(try reply.problem.names == ["cron"])
            #expect(try await api.row(api.daily).schedule == nil)
        }
    }

    @Test(
        "an ordinary key may not start, stop, trigger or reschedule: 403 saying an admin key is needed, nothing changes",
        arguments: [
            (HTTPRequest.Method.post, "/start", nil), (.post, "/stop", nil), (.post, "/trigger", nil),
            (.put, "", #"{"schedule":"*/7 * * * *"}"#), (.put, "", #"{"schedule":"61 * * * *"}"#),
        ] as [(HTTPRequest.Method, String, String?)]
    )
    func ordinaryKeysAreRefused(method: HTTPRequest.Method, suffix: String, json: String?) async throws {
        try await Self.withAPI { api in
            let before = try await api.row(api.hourly)
            for job in [api.hourly, "no-such-job"] {
                let reply = try await api.call(method, "/api/v1/scheduler/\(job)\(suffix)", key: api.userKey, json: json)
                #expect(reply.status == .forbidden)
                let problem = try reply.problem
                #expect(problem.status == 403)
                #expect(problem.detail?.contains("admin API key") == true)
            }
            let after = try await api.row(api.hourly)
            #expect(after.enabled == before.enabled && after.schedule == nil && after.trigger == nil && after.sequence == 0)
        }
    }

    @Test("an admin key stops and starts a job, and asks for a run now, in the rows every instance reads")
    func adminStopsStartsAndTriggers() async throws {
        try await Self.withAPI { api in
            let stop = try await api.call(.post, "/api/v1/scheduler/\(api.hourly)/stop", key: api.adminKey)
            #expect(stop.status == .ok)
            let stopped = try stop.decode(ScheduledJob.self)
            #expect(!stopped.enabled && stopped.nextRun == nil)
            #expect(try await api.row(api.hourly).enabled == false)
            #expect(try await api.list().first { $0.name == api.hourly }?.enabled == false)

            let start = try await api.call(.post, "/api/v1/scheduler/\(api.hourly)/start", key: api.adminKey)
            #expect(start.status == .ok)
            #expect(try start.decode(ScheduledJob.self).enabled && (try start.decode(ScheduledJob.self).nextRun != nil))
            #expect(try await api.row(api.hourly).enabled == true)

            let trigger = try await api.call(.post, "/api/v1/scheduler/\(api.daily)/trigger", key: api.adminKey)
            #expect(trigger.status == .accepted)
            #expect(try trigger.decode(ScheduledJob.self).triggerRequestedAt != nil)
            let row = try await api.row(api.daily)
            #expect(row.sequence == 1)
            #expect(try #require(row.trigger).timeIntervalSinceNow > -60)
        }
    }

    @Test("an admin key reschedules a job; a bad cron expression or time zone is a 400 naming the field")
    func adminReschedules() async throws {
        try await Self.withAPI { api in
            let path = "/api/v1/scheduler/\(api.hourly)"
            let reply = try await api.call(.put, path, key: api.adminKey, json: #"{"schedule":"*/7 * * * *"}"#)
            #expect(reply.status == .ok, "\(reply.text)")
            let job = try reply.decode(ScheduledJob.self)
            #expect(job.schedule == "*/7 * * * *" && job.timeZone == "UTC" && job.overridden)
            let next = try #require(job.nextRun.flatMap(RFC3339.date(from:)))
            #expect(Calendar(identifier: .gregorian).dateComponents(in: .gmt, from: next).minute! % 7 == 0)
            #expect(next.timeIntervalSinceNow <= 7 * 60)
            #expect(try await api.row(api.hourly).schedule == "*/7 * * * *")

            let zoned = try await api.call(.put, path, key: api.adminKey, json: #"{"schedule":"30 9 * * 1-5","timeZone":"Asia/Tokyo"}"#)
            #expect(zoned.status == .ok)
            #expect(try await api.row(api.hourly).zone == "Asia/Tokyo")

            for (json, field) in [
                (#"{"schedule":"61 * * * *"}"#, "schedule"), (#"{"schedule":"*/7 * * * *","timeZone":"Mars/Base"}"#, "timeZone"),
                (#"{"schedule":""}"#, "schedule"), (#"{"schedule":5}"#, "schedule"), (#"["*/7 * * * *"]"#, "body"),
            ] {
                let bad = try await api.call(.put, path, key: api.adminKey, json: json)
                #expect(bad.status == .badRequest, "\(json)")
                #expect(try bad.problem.names == [field], "\(json)")
            }
            #expect(try await api.row(api.hourly).schedule == "30 9 * * 1-5")

            let reset = try await api.call(.put, path, key: api.adminKey, json: "{}")
            #expect(try reset.decode(ScheduledJob.self).schedule == "0 * * * *")
            #expect(try await api.row(api.hourly).schedule == nil)
        }
    }

    @Test("an unknown job is a 404 on every admin route")
    func unknownJob() async throws {
        try await Self.withAPI { api in
            for (method, suffix, json) in [
                (HTTPRequest.Method.post, "/start", nil), (.post, "/stop", nil), (.post, "/trigger", nil),
                (.put, "", #"{"schedule":"*/7 * * * *"}"#),
            ] as [(HTTPRequest.Method, String, String?)] {
                let reply = try await api.call(method, "/api/v1/scheduler/no-such-job\(suffix)", key: api.adminKey, json: json)
                #expect(reply.status == .notFound, "\(suffix)")
                #expect(try reply.problem.status == 404)
            }
        }
    }

    @Test("a running job runner follows the API: a trigger runs the job within seconds")
    func runnerFollows() async throws {
        let name = TestServers.unique("it.api")
        let runs = Recorder<JobRun.Trigger>()
        // Once a year: nothing runs unless asked to.
        let job = try Job(name, schedule: "0 0 1 1 *") { run in runs.append(run.trigger) }
        try await Self.withAPI { api in
            let runner = JobRunner(
                jobs: [job], database: api.database, redis: RedisClient(endpoint: try TestServers.redis),
                configuration: .init(service: "test", instance: "test-instance"), logger: TestServers.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await runner.run() }
                defer { group.cancelAll() }
                #expect(await eventually(timeout: .seconds(5)) { try await api.list().contains { $0.name == name } })
                let trigger = try await api.call(.post, "/api/v1/scheduler/\(name)/trigger", key: api.adminKey)
                #expect(trigger.status == .accepted)
                #expect(await eventually(timeout: .seconds(5)) { runs.all == [.manual] })
                #expect(
                    await eventually(timeout: .seconds(5)) {
                        try await api.list().first { $0.name == name }?.lastRun?.status == "succeeded"
                    })
            }
        }
    }
}
