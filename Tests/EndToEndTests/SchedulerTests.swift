import BallastCore
import BallastPostgres
import BallastRedis
import Foundation
import Logging
import PostgresNIO
import Testing

/// Several `ballast-scheduler-probe` processes share jobs through the real Redis and Postgres. Each run
/// of a probe job inserts a row into `scheduler_probe_effects`, which has no unique key: a tick run twice
/// would show there twice.
@Suite("The scheduler across processes", .serialized)
struct SchedulerTests {
    @Test("three instances run an every-second job once per tick for 60 s, none missed")
    func everyTickOnce() async throws {
        let job = uniqueJob("every-second")
        let probes = try await startProbes(3, jobs: ["\(job)|* * * * * *"])
        let windowStart = wholeSecond(after: Date().addingTimeInterval(2))
        let windowEnd = windowStart.addingTimeInterval(60)
        try await sleep(until: windowEnd.addingTimeInterval(2))
        await stop(probes)

        try await withTestDatabase { database in
            let runs = try await runs(of: job, from: windowStart, to: windowEnd, in: database)
            let ticks = (0..<60).map { windowStart.addingTimeInterval(Double($0)) }
            #expect(Set(runs.map(\.tick)).count == runs.count && Set(runs.map(\.tick)).isSubset(of: ticks), "\(runs)")
            // A tick is skipped only when it could not start on time: the run before it was still going (runs
            // never overlap; on a loaded machine a one-second job's run can outlast a second), or every instance
            // reached it more than the on-time tolerance late (a machine stalled by other work). Either way the
            // next run counts it; a tick dropped without being counted is a defect.
            let missed = ticks.filter { tick in !runs.contains { $0.tick == tick } }
            for tick in missed {
                let counted = (runs.first { $0.tick > tick }?.skippedBefore ?? 1) > 0
                #expect(counted, "tick \(RFC3339.string(from: tick)) was missed and not counted by the next run: \(runs)")
            }
            // Skipped, counted ticks come from a stalled machine: in CI this test shares 2 cores with the other process
            // tests (three rebalancers, a notifier...), and 5 of 60 were seen once. More than 10 is a defect.
            #expect(missed.count <= 10, "\(missed.count) ticks skipped: \(runs)")
            #expect(runs.allSatisfy { $0.outcome == "succeeded" }, "\(runs.filter { $0.outcome != "succeeded" })")
            #expect(try await effectsPerTick(of: job, in: database).values.allSatisfy { $0 == 1 })
            #expect(Set(runs.map(\.instance)).isSubset(of: Set(probes.map(\.name))))
        }
    }

    @Test("a run whose lock is lost (key deleted while the body works) still runs each tick once, without overlap")
    func lostLockFence() async throws {
        let job = uniqueJob("lost-lock")
        let probes = try await startProbes(3, jobs: ["\(job)|* * * * * *|work=2500|lock-ttl=1000"])
        // Every 100 ms the lock disappears, as it would after an expiry or a Redis restart: the other
        // instances get it at every tick and only the Postgres fence keeps the job single.
        let redis = try testRedis()
        let deadline = ContinuousClock.now + .seconds(12)
        while ContinuousClock.now < deadline {
            try await deleteKey("ballast:lock:job:\(job)", on: redis)
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: .seconds(3))
        await stop(probes)

        try await withTestDatabase { database in
            let runs = try await runs(of: job, in: database)
            #expect(runs.count >= 3)
            expectNoOverlap(runs)
            #expect(try await effectsPerTick(of: job, in: database).values.allSatisfy { $0 == 1 })
        }
    }

    @Test("a job longer than its interval never overlaps itself; the ticks inside a run are skipped and counted")
    func noOverlap() async throws {
        let job = uniqueJob("long")
        let probes = try await startProbes(3, jobs: ["\(job)|* * * * * *|work=2500"])
        try await Task.sleep(for: .seconds(12))
        await stop(probes)

        try await withTestDatabase { database in
            let runs = try await runs(of: job, in: database)
            #expect(runs.count >= 3)
            expectNoOverlap(runs)
            #expect(runs.dropFirst().allSatisfy { $0.skippedBefore >= 2 }, "\(runs.map(\.skippedBefore))")
        }
    }

    @Test("kill -9 of the instance in the middle of a run: its run is marked abandoned and the others carry on")
    func killedInstance() async throws {
        let job = uniqueJob("killed")
        let probes = try await startProbes(3, jobs: ["\(job)|* * * * * *|work=1500|lock-ttl=2000"])
        let victim = try await probeRunning(job, among: probes)
        victim.signal(SIGKILL)
        let killedAt = Date()
        try await Task.sleep(for: .seconds(10))
        await stop(probes)

        try await withTestDatabase { database in
            let runs = try await runs(of: job, in: database)
            let abandoned = runs.filter { $0.outcome == "abandoned" }
            #expect(abandoned.count == 1 && abandoned.first?.instance == victim.name, "\(runs)")
            let after = runs.filter { $0.startedAt > killedAt }
            #expect(after.count >= 2, "\(runs)")
            #expect(after.allSatisfy { $0.instance != victim.name && $0.outcome == "succeeded" }, "\(after)")
            expectNoOverlap(runs.filter { $0.outcome != "abandoned" })
            #expect(try await effectsPerTick(of: job, in: database).values.allSatisfy { $0 == 1 })
        }
    }

    @Test("an instance frozen (SIGSTOP) mid-run past its lock TTL is taken over; resumed, it writes nothing after the next run starts")
    func frozenInstanceFenced() async throws {
        let job = uniqueJob("frozen")
        let probes = try await startProbes(3, jobs: ["\(job)|* * * * * *|work=3000|steps=6|lock-ttl=1500"])
        let victim = try await probeRunning(job, among: probes)
        // Halfway between two of its 500 ms steps, outside a transaction. (Frozen inside a fenced
        // transaction, it would hold the job until it resumes: the claim waits for that transaction.)
        let lastStep = try await withTestDatabase { database in
            var lastStep: Date?
            _ = await poll(timeout: .seconds(5)) {
                lastStep = try? await lastWrites(of: job, in: database, steppedOnly: true).values.max()
                return lastStep != nil
            }
            return try #require(lastStep)
        }
        var stopAt = lastStep.addingTimeInterval(0.25)
        while stopAt < Date().addingTimeInterval(0.05) { stopAt.addTimeInterval(0.5) }
        try await sleep(until: stopAt)
        victim.signal(SIGSTOP)
        let stoppedAt = Date()
        // Past the TTL, another instance marks the frozen run abandoned and runs the job.
        let takenOver = try await withTestDatabase { database in
            await poll(timeout: .seconds(10)) {
                let runs = (try? await runs(of: job, in: database)) ?? []
                return runs.contains { $0.instance != victim.name && $0.startedAt > stoppedAt }
            }
        }
        victim.signal(SIGCONT)
        // The resumed body's next step falls inside the run that took over.
        try await Task.sleep(for: .seconds(4))
        await stop(probes)

        #expect(takenOver)
        try await withTestDatabase { database in
            let runs = try await runs(of: job, in: database)
            #expect(runs.contains { $0.instance == victim.name && $0.outcome == "abandoned" }, "\(runs)")
            let lastWrites = try await lastWrites(of: job, in: database)
            for run in runs {
                guard let lastWrite = lastWrites[run.tick] else { continue }
                for later in runs where later.startedAt > run.startedAt {
                    #expect(lastWrite < later.startedAt, "\(run) wrote at \(RFC3339.string(from: lastWrite)), after \(later) started")
                }
            }
            #expect(try await effectsPerTick(of: job, in: database).values.allSatisfy { $0 == 1 })
        }
    }

    @Test("after all instances pause for 10 ticks, the missed ticks give one catch-up run, not ten")
    func oneCatchUpAfterPause() async throws {
        let job = uniqueJob("pause")
        let probes = try await startProbes(3, jobs: ["\(job)|* * * * * *"])
        try await Task.sleep(for: .seconds(3))
        for probe in probes { probe.signal(SIGSTOP) }
        let pausedAt = Date()
        try await Task.sleep(for: .seconds(10.5))
        let resumedAt = Date()
        for probe in probes { probe.signal(SIGCONT) }
        try await Task.sleep(for: .seconds(3))
        await stop(probes)

        try await withTestDatabase { database in
            let runs = try await runs(of: job, in: database)
            // Nothing started while every instance was stopped; at most one of the paused ticks ran.
            #expect(runs.filter { $0.startedAt > pausedAt.addingTimeInterval(0.5) && $0.startedAt < resumedAt }.isEmpty, "\(runs)")
            #expect(runs.filter { $0.tick > pausedAt.addingTimeInterval(1) && $0.tick < resumedAt }.count <= 1, "\(runs)")
            // One catch-up run stands for the ticks it passed over; the runs after it are on time again.
            let catchUps = runs.filter { $0.skippedBefore >= 5 }
            #expect(catchUps.count == 1, "\(runs)")
            #expect((8...11).contains(catchUps.first?.skippedBefore ?? 0), "\(catchUps)")
            #expect(runs.filter { $0.tick > resumedAt }.count >= 2)
            #expect(try await effectsPerTick(of: job, in: database).values.allSatisfy { $0 == 1 })
        }
    }
}

// MARK: - Helpers

private struct RunRow: CustomStringConvertible {
    var tick: Date
    var instance: String
    var outcome: String
    var skippedBefore: Int
    var startedAt: Date
    var finishedAt: Date?

    var description: String {
        "\(RFC3339.string(from: tick)) \(instance) \(outcome) skipped=\(skippedBefore) "
            + "\(RFC3339.string(from: startedAt))…\(finishedAt.map(RFC3339.string(from:)) ?? "-")"
    }
}

private func uniqueJob(_ name: String) -> String {
    "e2e.\(name)-\(UUID().uuidString.prefix(8).lowercased())"
}

/// A running probe and its `--instance`, as recorded in `job_runs.instance`.
private struct Probe {
    let name: String
    let process: ServiceProcess

    func signal(_ signal: Int32) { process.signal(signal) }
}

private func startProbes(_ count: Int, jobs: [String]) async throws -> [Probe] {
    let environment = try ExecutableTests.environment()
    var probes: [Probe] = []
    for index in 1...count {
        let probe = Probe(
            name: "probe-\(index)-\(UUID().uuidString.prefix(4))",
            process: try ServiceProcess("ballast-scheduler-probe", environment: environment)
        )
        probe.process.process.arguments = ["--instance", probe.name] + jobs.flatMap { ["--job", $0] }
        try probe.process.start()
        probes.append(probe)
    }
    for probe in probes {
        let ready = await poll(timeout: .seconds(60)) { probe.process.output.contains("ready ") }
        try #require(ready, "probe did not start:\n\(probe.process.output)")
    }
    return probes
}

/// SIGTERM: a probe lets its current run finish and record its outcome, then exits.
private func stop(_ probes: [Probe]) async {
    let running = probes.filter { $0.process.process.isRunning }
    for probe in running { probe.signal(SIGTERM) }
    for probe in running {
        let status = await probe.process.waitForExit(timeout: .seconds(15))
        #expect(status == 0, "probe \(probe.name) did not stop cleanly:\n\(probe.process.output)")
    }
}

private func expectNoOverlap(_ runs: [RunRow], sourceLocation: SourceLocation = #_sourceLocation) {
    let ordered = runs.sorted { $0.startedAt < $1.startedAt }
    for (earlier, later) in zip(ordered, ordered.dropFirst()) {
        let end = earlier.finishedAt ?? .distantFuture
        #expect(end <= later.startedAt, "runs overlap: \(earlier) and \(later)", sourceLocation: sourceLocation)
    }
}

private func wholeSecond(after date: Date) -> Date {
    Date(timeIntervalSince1970: (date.timeIntervalSince1970 + 1).rounded(.down))
}

private func sleep(until date: Date) async throws {
    let seconds = date.timeIntervalSinceNow
    if seconds > 0 { try await Task.sleep(for: .seconds(seconds)) }
}

private func runs(
    of job: String, from start: Date = .distantPast, to end: Date = .distantFuture, in database: PostgresClient
) async throws
    -> [RunRow]
{
    let rows = try await database.query(
        """
        SELECT tick, instance, outcome, skipped_before, started_at, finished_at FROM job_runs
        WHERE job = \(job) AND tick >= \(start) AND tick < \(end) ORDER BY tick
        """
    )
    var runs: [RunRow] = []
    for try await (tick, instance, outcome, skipped, started, finished) in rows.decode((Date, String, String, Int, Date, Date?).self) {
        runs.append(
            RunRow(tick: tick, instance: instance, outcome: outcome, skippedBefore: skipped, startedAt: started, finishedAt: finished))
    }
    return runs
}

/// The probe in the middle of a run of `job`, once there is one.
private func probeRunning(_ job: String, among probes: [Probe]) async throws -> Probe {
    try await withTestDatabase { database in
        var running: String?
        let found = await poll(timeout: .seconds(15)) {
            running = try? await runningInstance(of: job, in: database)
            return running != nil
        }
        try #require(found)
        return try #require(probes.first { $0.name == running })
    }
}

private func runningInstance(of job: String, in database: PostgresClient) async throws -> String? {
    let rows = try await database.query("SELECT instance FROM job_runs WHERE job = \(job) AND finished_at IS NULL")
    for try await instance in rows.decode(String.self) { return instance }
    return nil
}

/// How many times each tick's body ran.
private func effectsPerTick(of job: String, in database: PostgresClient) async throws -> [Date: Int] {
    let rows = try await database.query("SELECT tick, count(*)::int8 FROM scheduler_probe_effects WHERE job = \(job) GROUP BY tick")
    var counts: [Date: Int] = [:]
    for try await (tick, count) in rows.decode((Date, Int).self) { counts[tick] = count }
    return counts
}

/// When each tick's body last wrote to its row; with `steppedOnly`, only rows past their start.
private func lastWrites(of job: String, in database: PostgresClient, steppedOnly: Bool = false) async throws -> [Date: Date] {
    let rows = try await database.query(
        """
        SELECT tick, coalesce(last_write_at, at) FROM scheduler_probe_effects
        WHERE job = \(job) AND (steps > 0 OR NOT \(steppedOnly))
        """
    )
    var writes: [Date: Date] = [:]
    for try await (tick, at) in rows.decode((Date, Date).self) { writes[tick] = max(at, writes[tick] ?? at) }
    return writes
}

private func deleteKey(_ key: String, on redis: RedisClient) async throws {
    _ = try await redis.send("DEL", key)
}

private func testRedis() throws -> RedisClient {
    guard let url = ProcessInfo.processInfo.environment["BALLAST_TEST_REDIS_URL"] else {
        throw E2EError("BALLAST_TEST_REDIS_URL is not set: run scripts/test")
    }
    return RedisClient(endpoint: try RedisEndpoint(url: url, variable: "BALLAST_TEST_REDIS_URL"), poolSize: 1)
}
