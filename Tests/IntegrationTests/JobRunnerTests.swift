import BallastCore
import BallastRedis
import BallastScheduler
import BallastService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Prometheus
import Testing

@Suite("Job runner with real Redis and Postgres, and its admin routes")
struct JobRunnerTests {
    /// Runs a `JobRunner` for `jobs` on a fresh database while `body` runs.
    static func withRunner(
        _ jobs: [Job],
        _ body: @Sendable (JobRunner, PostgresClient) async throws -> Void
    ) async throws {
        try await TestDatabase.with { database, _ in
            let runner = JobRunner(
                jobs: jobs,
                database: database,
                redis: RedisClient(endpoint: try TestServers.redis),
                configuration: .init(service: "test", instance: "test-instance"),
                logger: TestServers.logger
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await runner.run() }
                defer { group.cancelAll() }
                try await body(runner, database)
            }
        }
    }

    static func adminApp(_ runner: JobRunner, database: PostgresClient) throws -> some ApplicationProtocol {
        let readiness = ReadinessCheck(redis: RedisClient(endpoint: try TestServers.redis), database: database, health: HealthRegistry())
        return Application(router: AdminRouter.build(readiness: readiness, metrics: PrometheusCollectorRegistry(), jobs: runner))
    }

    static func call(
        _ client: TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, json: String? = nil
    ) async throws -> (status: HTTPResponse.Status, body: [String: Any]) {
        try await client.execute(
            uri: uri, method: method, headers: [.contentType: "application/json"], body: json.map { ByteBuffer(string: $0) }
        ) { response in
            let object = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            return (response.status, object ?? [:])
        }
    }

    static func outcomes(of job: String, in database: PostgresClient) async throws -> [(trigger: String, outcome: String, error: String?)] {
        let rows = try await database.query("SELECT trigger, outcome, error FROM job_runs WHERE job = \(job) ORDER BY started_at")
        var result: [(String, String, String?)] = []
        for try await row in rows.decode((String, String, String?).self) { result.append(row) }
        return result
    }

    @Test("admin routes list, trigger, reschedule, disable and enable a job, and the runner follows each change")
    func adminRoutes() async throws {
        let name = TestServers.unique("it.admin")
        let runs = Recorder<JobRun.Trigger>()
        // Once a year: nothing runs during the test unless asked to.
        let job = try Job(name, schedule: "0 0 1 1 *") { run in runs.append(run.trigger) }
        try await Self.withRunner([job]) { runner, database in
            try await Self.adminApp(runner, database: database).test(.router) { client in
                let list = try await Self.call(client, .get, "/jobs")
                #expect(list.status == .ok)
                let listed = try #require((list.body["jobs"] as? [[String: Any]])?.first)
                #expect(listed["name"] as? String == name)
                #expect(listed["enabled"] as? Bool == true)
                #expect(listed["nextTick"] as? String != nil)

                let unknown = try await Self.call(client, .get, "/jobs/no-such-job")
                #expect(unknown.status == .notFound)
                #expect(unknown.body["status"] as? Int == 404)

                #expect(try await Self.call(client, .post, "/jobs/\(name)/trigger").status == .accepted)
                #expect(await eventually(timeout: .seconds(5)) { runs.all == [.manual] })
                #expect(
                    await eventually(timeout: .seconds(5)) {
                        let detail = try await Self.call(client, .get, "/jobs/\(name)")
                        let latest = (detail.body["runs"] as? [[String: Any]])?.first
                        return latest?["trigger"] as? String == "manual" && latest?["outcome"] as? String == "succeeded"
                    })

                let invalid = try await Self.call(client, .post, "/jobs/\(name)/schedule", json: #"{"schedule":"61 * * * *"}"#)
                #expect(invalid.status == .badRequest)
                let reasons = invalid.body["invalid-params"] as? [[String: Any]]
                #expect(reasons?.first?["name"] as? String == "schedule")
                #expect((reasons?.first?["reason"] as? String)?.contains("minute") == true)
                let badZone = try await Self.call(client, .post, "/jobs/\(name)/schedule", json: #"{"timeZone":"Mars/Olympus"}"#)
                #expect(badZone.status == .badRequest)

                let everySecond = try await Self.call(client, .post, "/jobs/\(name)/schedule", json: #"{"schedule":"* * * * * *"}"#)
                #expect(everySecond.status == .ok)
                #expect(everySecond.body["schedule"] as? String == "* * * * * *")
                #expect(everySecond.body["overridden"] as? Bool == true)
                #expect(await eventually(timeout: .seconds(5)) { runs.all.filter { $0 == .schedule }.count >= 2 })

                let disabled = try await Self.call(client, .post, "/jobs/\(name)/disable")
                #expect(disabled.body["enabled"] as? Bool == false)
                try await Task.sleep(for: .milliseconds(1500))
                let countWhenDisabled = runs.count
                try await Task.sleep(for: .milliseconds(2500))
                #expect(runs.count == countWhenDisabled)

                let reset = try await Self.call(client, .post, "/jobs/\(name)/schedule", json: "{}")
                #expect(reset.body["schedule"] as? String == "0 0 1 1 *")
                #expect(reset.body["overridden"] as? Bool == false)
                #expect(try await Self.call(client, .post, "/jobs/\(name)/enable").body["enabled"] as? Bool == true)
            }
        }
    }

    @Test("a failing body is recorded as failed with its error, a slow one as timed out")
    func failuresAreRecorded() async throws {
        struct Broken: Error, CustomStringConvertible {
            var description: String { "exchange unreachable" }
        }
        let failing = try Job(TestServers.unique("it.failing"), schedule: "0 0 1 1 *") { _ in throw Broken() }
        let slow = try Job(TestServers.unique("it.slow"), schedule: "0 0 1 1 *", timeout: .milliseconds(200)) { _ in
            try await Task.sleep(for: .seconds(5))
        }
        try await Self.withRunner([failing, slow]) { runner, database in
            #expect(try await runner.trigger(failing.name))
            #expect(try await runner.trigger(slow.name))
            #expect(
                await eventually(timeout: .seconds(10)) {
                    let failed = try await Self.outcomes(of: failing.name, in: database).map(\.outcome)
                    let timedOut = try await Self.outcomes(of: slow.name, in: database).map(\.outcome)
                    return failed == ["failed"] && timedOut == ["timed_out"]
                })
            let error = try await Self.outcomes(of: failing.name, in: database).first?.error
            #expect(error == "exchange unreachable")
            #expect(try await runner.trigger("no-such-job") == false)
        }
    }

    @Test("a run left unfinished by a silent instance is marked abandoned, and the job runs again")
    func abandonedRun() async throws {
        let name = TestServers.unique("it.abandoned")
        let runs = Recorder<Date>()
        let job = try Job(name, schedule: "0 0 1 1 *", lockTTL: .seconds(2)) { run in runs.append(run.tick) }
        try await Self.withRunner([job]) { runner, database in
            try await database.query(
                """
                INSERT INTO job_runs (job, tick, trigger, instance, started_at, heartbeat_at)
                VALUES (\(name), now() - interval '1 minute', 'schedule', 'gone', now() - interval '1 minute', now() - interval '1 minute')
                """
            )
            #expect(try await runner.trigger(name))
            #expect(await eventually(timeout: .seconds(10)) { runs.count == 1 })
            // The outcome is recorded just after the body returns.
            #expect(
                await eventually(timeout: .seconds(10)) {
                    try await Self.outcomes(of: name, in: database).map(\.outcome) == ["abandoned", "succeeded"]
                })
            let outcomes = try await Self.outcomes(of: name, in: database)
            #expect(outcomes.first?.error?.contains("no heartbeat from gone") == true)
        }
    }

    @Test("a run marked abandoned by another instance while its body works is cancelled at its next heartbeat")
    func abandonedWhileRunning() async throws {
        let name = TestServers.unique("it.taken-over")
        let cancelled = Recorder<Date>()
        let job = try Job(name, schedule: "0 0 1 1 *", lockTTL: .milliseconds(600)) { _ in
            do {
                try await Task.sleep(for: .seconds(10))
            } catch {
                cancelled.append(Date())
                throw error
            }
        }
        try await Self.withRunner([job]) { runner, database in
            #expect(try await runner.trigger(name))
            #expect(
                await eventually(timeout: .seconds(5)) { try await Self.outcomes(of: name, in: database).map(\.outcome) == ["running"] })
            // What a claim does to a run it found silent.
            try await database.query("UPDATE job_runs SET finished_at = now(), outcome = 'abandoned' WHERE job = \(name)")
            #expect(await eventually(timeout: .seconds(2)) { cancelled.count == 1 })
            #expect(try await Self.outcomes(of: name, in: database).map(\.outcome) == ["abandoned"])
        }
    }

    @Test("a tick whose lock winner died before claiming it still runs once the orphaned lock expires")
    func winnerDiedBeforeClaiming() async throws {
        let name = TestServers.unique("it.orphaned-lock")
        let ticks = Recorder<Date>()
        let job = try Job(name, schedule: "*/5 * * * * *") { run in ticks.append(run.tick) }
        let redis = RedisClient(endpoint: try TestServers.redis)
        try await Self.withRunner([job]) { _, _ in
            // A tick at least a second away, so the runner is up; the lock is taken half a second before it. NX: if
            // the runner already holds it (a loaded machine overslept the tick), the scenario is tried at the next.
            var tick = Date()
            for _ in 0..<3 {
                tick = Date(timeIntervalSince1970: ((Date().timeIntervalSince1970 + 1.5) / 5).rounded(.up) * 5)
                try await Task.sleep(for: .seconds(tick.timeIntervalSinceNow - 0.5))
                let taken = try await redis.send("SET", JobRunner.lockKey(for: name), "died-before-claiming", "NX", "PX", "2000")
                if !taken.isNull { break }
                tick = .distantPast
            }
            try #require(tick != .distantPast, "the runner always held the lock before the test could take it")
            // Held until 1.5 s after the tick; the next tick is 5 s after it.
            #expect(await eventually(timeout: .seconds(4)) { ticks.all.contains(tick) }, "\(ticks.all)")
        }
    }
}
