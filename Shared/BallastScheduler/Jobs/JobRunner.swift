import BallastCore
import BallastRedis
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Runs a service's jobs on their schedules, each tick once across all instances of the service.
///
/// Per tick, every instance that is up races for the job's Redis lock (`SET NX PX`, extended while the
/// body runs). The winner inserts the tick's `job_runs` row, unique on `(job, tick)`, in a transaction that
/// also refuses while another run of the job is unfinished, and only then runs the body. The lock keeps
/// the race cheap; the row is the fence: an expired lock, a frozen instance or a Redis restart can let two
/// instances race for a tick, never run it twice. A run found silent for a lock TTL is marked abandoned
/// by the next claim; its body is cancelled as soon as its instance sees the lock or the row gone, and its
/// writes in transactions that hold the fence (`JobRun.holdFence(on:)`) commit before the next run starts
/// or not at all.
public final class JobRunner: Service, Sendable {
    public struct Configuration: Sendable {
        /// The service the jobs belong to (`scheduled_jobs.service`).
        public var service: String
        /// This process, as recorded in `job_runs.instance`.
        public var instance: String
        /// How often each instance reads the shared settings: enable, disable, "run now", reschedule.
        public var settingsRefresh: Duration = .seconds(1)
        /// Finished runs older than this are deleted (checked hourly).
        public var runRetention: Duration = .seconds(7 * 24 * 3600)

        public init(service: String, instance: String) {
            self.service = service
            self.instance = instance
        }
    }

    /// A schedule or zone an operator asked for that cannot be used.
    public struct InvalidSchedule: Error, CustomStringConvertible {
        public let description: String
    }

    public let jobs: [Job]
    private let configuration: Configuration
    private let store: JobStore
    private let lock: RedisLock
    private let alarms: WorkerAlarms?
    private let logger: Logger
    private let metrics: [String: JobMetrics]
    private let settings = Mutex<[String: JobSettings]>([:])

    public init(
        jobs: [Job], database: PostgresClient, redis: RedisClient, configuration: Configuration, alarms: WorkerAlarms? = nil,
        logger: Logger
    ) {
        precondition(Set(jobs.map(\.name)).count == jobs.count, "job names must be unique")
        self.jobs = jobs
        self.configuration = configuration
        self.store = JobStore(database: database, logger: logger)
        self.lock = RedisLock(client: redis)
        self.alarms = alarms
        self.logger = logger
        self.metrics = Dictionary(uniqueKeysWithValues: jobs.map { ($0.name, JobMetrics(job: $0.name)) })
    }

    /// The Redis key of a job's lock.
    public static func lockKey(for job: String) -> String { "ballast:lock:job:\(job)" }

    /// The name a job's failures are counted under in `WorkerAlarms`.
    public static func alarmName(for job: String) -> String { "job \(job)" }

    /// The name failures to read the shared job settings are counted under.
    public static let settingsAlarmName = "job settings"

    public func run() async throws {
        guard !jobs.isEmpty, await registerJobs() else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.refreshSettings() }
            for job in jobs {
                group.addTask { await self.schedule(job) }
            }
        }
    }

    // MARK: - The loop of one job

    private enum Attempt {
        /// This instance ran the tick.
        case ran
        /// Someone else has it: the tick already has a run, or a run is unfinished.
        case notRun
        /// Another instance holds the lock and has not claimed the tick: it may be about to, or it may have
        /// died before its claim committed. Worth another try shortly.
        case pending
        /// Redis or Postgres failed before the tick was claimed; it may be tried again.
        case failed
    }

    private func schedule(_ job: Job) async {
        guard var cursor = await startingCursor(for: job) else { return }
        var handledTrigger: Int64?
        var backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(5))
        var lockWait = Backoff(initial: .milliseconds(100), maximum: .seconds(1))
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let settings = self.settings.withLock { $0[job.name] }
            let schedule = settings?.expression ?? job.schedule

            if let trigger = settings?.pendingTrigger, trigger.sequence != handledTrigger {
                switch await attempt(job, tick: trigger.requestedAt, trigger: .manual, sequence: trigger.sequence, schedule: schedule) {
                case .ran:
                    handledTrigger = trigger.sequence
                    cursor = max(cursor, Date())
                case .notRun, .pending:
                    // Taken by another instance, or waiting for a running tick: look again after the next refresh.
                    guard await pause(configuration.settingsRefresh) else { return }
                case .failed:
                    guard await pause(backoff.nextDelay()) else { return }
                }
                continue
            }

            let now = Date()
            guard settings?.isEnabled ?? true else {
                cursor = now
                guard await pause(configuration.settingsRefresh) else { return }
                continue
            }
            guard let due = TickPlanner.latestDue(schedule, after: cursor, now: now) else {
                // Sleep to the next tick, but wake for settings changes in between.
                let untilNext = schedule.nextFireDate(after: cursor).map { Duration.seconds($0.timeIntervalSince(now)) }
                guard await pause(min(untilNext ?? configuration.settingsRefresh, configuration.settingsRefresh)) else { return }
                continue
            }
            if now.timeIntervalSince(due.tick) > job.catchUp.startingDeadline.inSeconds {
                cursor = due.tick
                logger.info(
                    "tick skipped: too late to start",
                    metadata: ["job": "\(job.name)", "tick": "\(RFC3339.string(from: due.tick))"]
                )
                continue
            }
            switch await attempt(job, tick: due.tick, trigger: .schedule, sequence: nil, schedule: schedule) {
            case .ran:
                backoff.reset()
                lockWait.reset()
                // Ticks that fell inside the run are skipped: a job never overlaps itself.
                cursor = max(due.tick, Date())
            case .notRun:
                backoff.reset()
                lockWait.reset()
                cursor = due.tick
            case .pending:
                // The cursor stays until the tick has a run or its starting deadline passes: a lock orphaned
                // by a winner that died before claiming delays the tick, it does not drop it.
                guard await pause(lockWait.nextDelay()) else { return }
            case .failed:
                // The cursor stays: the same tick is tried again while it is within its starting deadline.
                guard await pause(backoff.nextDelay()) else { return }
            }
        }
    }

    /// Where the schedule resumes: after the latest scheduled run on record, so that a missed tick is
    /// seen as missed after a restart; now for a job that never ran.
    private func startingCursor(for job: Job) async -> Date? {
        var backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(5))
        while true {
            do {
                return try await store.latestScheduledTick(of: job.name) ?? Date()
            } catch {
                logger.warning("cannot read the job's last run; retrying", metadata: ["job": "\(job.name)", "error": .error(error)])
                guard await pause(backoff.nextDelay()) else { return nil }
            }
        }
    }

    /// Lock, fence, body, record.
    private func attempt(
        _ job: Job,
        tick: Date,
        trigger: JobRun.Trigger,
        sequence: Int64?,
        schedule: CronExpression
    ) async -> Attempt {
        let metrics = self.metrics[job.name]!
        let started = ContinuousClock.now
        let lease: LockLease?
        do {
            guard let acquired = try await lock.acquire(Self.lockKey(for: job.name), ttl: job.lockTTL) else {
                return await lockHeldElsewhere(job, tick: tick)
            }
            lease = acquired
        } catch {
            // Without Redis every instance goes to the fence, which alone keeps the tick single.
            logger.warning("job lock unavailable; the database decides", metadata: ["job": "\(job.name)", "error": .error(error)])
            lease = nil
        }
        let claim: JobStore.Claim
        do {
            claim = try await store.claim(
                job: job.name,
                tick: tick,
                trigger: trigger,
                triggerSequence: sequence,
                instance: configuration.instance,
                staleAfter: job.lockTTL
            )
        } catch {
            await release(lease)
            alarms?.failed(Self.alarmName(for: job.name), error: error)
            logger.warning("cannot claim the tick", metadata: ["job": "\(job.name)", "error": .error(error)])
            return .failed
        }
        guard case .claimed(let runID, let previousTick) = claim else {
            await release(lease)
            return .notRun
        }
        let skipped = trigger == .schedule ? previousTick.map { TickPlanner.ticks(of: schedule, between: $0, and: tick) } ?? 0 : 0
        let claimed = ContinuousClock.now
        metrics.started(lag: .seconds(max(0, Date().timeIntervalSince(tick))))
        metrics.skippedTicks(skipped)

        let run = JobRun(id: runID, job: job.name, tick: tick, trigger: trigger, logger: logger)
        let bodyStarted = ContinuousClock.now
        let (outcome, error) = await execute(job, run: run, lease: lease, metrics: metrics)
        let bodyFinished = ContinuousClock.now
        let elapsed = bodyFinished - bodyStarted
        await record(run, outcome: outcome, error: error, skippedBefore: skipped)
        await release(lease)
        metrics.ran(outcome: outcome, duration: elapsed)
        reportToAlarm(job.name, outcome: outcome, error: error)
        metrics.overhead((claimed - started) + (ContinuousClock.now - bodyFinished))

        var metadata: Logger.Metadata = [
            "job": "\(job.name)", "tick": "\(RFC3339.string(from: tick))", "trigger": "\(trigger.rawValue)",
            "outcome": "\(outcome.rawValue)", "duration_ms": "\(elapsed.wholeMilliseconds)",
        ]
        if let error { metadata["error"] = "\(error)" }
        if outcome == .succeeded {
            logger.debug("job ran", metadata: metadata)
        } else {
            logger.warning("job run did not succeed", metadata: metadata)
        }
        return .ran
    }

    /// The lock is held by another instance: either it runs the job (the tick falls inside its run), or it
    /// won the tick and has not claimed it yet, or it died before its claim committed. The fence tells.
    private func lockHeldElsewhere(_ job: Job, tick: Date) async -> Attempt {
        do {
            return try await store.isSettled(job: job.name, tick: tick) ? .notRun : .pending
        } catch {
            alarms?.failed(Self.alarmName(for: job.name), error: error)
            logger.warning("cannot read the tick's runs", metadata: ["job": "\(job.name)", "error": .error(error)])
            return .failed
        }
    }

    /// A run that failed or timed out counts as a failure of the job, one that succeeded as a success. A run stopped by
    /// the process stopping, or abandoned while its instance was frozen, says nothing about the job.
    private func reportToAlarm(_ job: String, outcome: JobRunRecord.Outcome, error: String?) {
        let name = Self.alarmName(for: job)
        switch outcome {
        case .succeeded: alarms?.succeeded(name)
        case .failed, .timedOut: alarms?.failed(name, reason: error ?? outcome.rawValue)
        case .running, .interrupted, .abandoned: break
        }
    }

    /// Runs the body under its timeout while a sibling task keeps the lock and the heartbeat fresh, and
    /// cancels the body when either is lost.
    private func execute(_ job: Job, run: JobRun, lease: LockLease?, metrics: JobMetrics) async -> (JobRunRecord.Outcome, String?) {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await withTimeout(job.timeout) { try await job.body(run) } }
                group.addTask { try await self.keepAlive(run, lease: lease, every: job.lockTTL / 3, metrics: metrics) }
                defer { group.cancelAll() }
                try await group.next()
            }
            return (.succeeded, nil)
        } catch let timeout as TimeoutError {
            return (.timedOut, timeout.description)
        } catch let fence as JobFenceError {
            // Another instance marked the run abandoned while it was frozen; that record stands.
            return (.abandoned, fence.description)
        } catch {
            if Task.isCancelled { return (.interrupted, "the process stopped before the run finished") }
            return (.failed, String(diagnosis(of: error).prefix(2_000)))
        }
    }

    private func keepAlive(_ run: JobRun, lease: LockLease?, every interval: Duration, metrics: JobMetrics) async throws {
        while true {
            try await Task.sleep(for: interval)
            let isRunning: Bool?
            do {
                isRunning = try await store.heartbeat(runID: run.id)
            } catch {
                logger.warning("cannot record the job's heartbeat", metadata: ["job": "\(run.job)", "error": .error(error)])
                isRunning = nil
            }
            if isRunning == false {
                throw JobFenceError.lost(job: run.job, runID: run.id, outcome: JobRunRecord.Outcome.abandoned.rawValue)
            }
            // Someone else may hold the lock by now, if this instance was frozen past the TTL: stop rather
            // than run beside them. A Redis that cannot answer is not a lost lock.
            if let lease, (try? await lock.extend(lease)) == false {
                metrics.lostLock()
                throw LockError.lost(key: lease.key)
            }
        }
    }

    /// Writes the outcome, trying a few times: a row left running is marked abandoned by the next claim.
    private func record(_ run: JobRun, outcome: JobRunRecord.Outcome, error: String?, skippedBefore: Int) async {
        var backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(2))
        for _ in 0..<5 {
            do {
                let finished = try await store.finish(runID: run.id, outcome: outcome, error: error, skippedBefore: skippedBefore)
                if !finished {
                    logger.warning("the run had been marked abandoned before it finished", metadata: ["job": "\(run.job)"])
                }
                return
            } catch {
                logger.warning("cannot record the job's outcome; retrying", metadata: ["job": "\(run.job)", "error": .error(error)])
                try? await Task.sleep(for: backoff.nextDelay())
            }
        }
    }

    private func release(_ lease: LockLease?) async {
        guard let lease else { return }
        _ = try? await lock.release(lease)
    }

    /// Sleeps; false when the service is stopping.
    private func pause(_ duration: Duration) async -> Bool {
        do {
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
            return true
        } catch {
            return false
        }
    }

    // MARK: - Shared settings

    /// Records the declared jobs, retrying until the database (and its schema) is there.
    private func registerJobs() async -> Bool {
        var backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(10))
        while true {
            do {
                try await store.register(jobs, service: configuration.service)
                try await reloadSettings()
                return true
            } catch {
                logger.warning("cannot register the jobs yet; retrying", metadata: ["error": .error(error)])
                guard await pause(backoff.nextDelay()) else { return false }
            }
        }
    }

    /// Re-reads the shared settings every `settingsRefresh`, and purges old runs every hour.
    private func refreshSettings() async {
        var lastPurge: ContinuousClock.Instant?
        var failing = false
        while await pause(configuration.settingsRefresh) {
            do {
                try await reloadSettings()
                if lastPurge.map({ ContinuousClock.now - $0 > .seconds(3600) }) ?? true {
                    try await store.purgeRuns(of: jobs.map(\.name), olderThan: configuration.runRetention)
                    lastPurge = .now
                }
                if failing { logger.info("job settings readable again") }
                failing = false
                alarms?.succeeded(Self.settingsAlarmName)
            } catch {
                alarms?.failed(Self.settingsAlarmName, error: error)
                if !failing {
                    logger.warning("cannot read job settings; keeping the last ones", metadata: ["error": .error(error)])
                }
                failing = true
            }
        }
    }

    private func reloadSettings() async throws {
        let fresh = try await store.settings(of: jobs.map(\.name))
        settings.withLock { $0 = fresh }
    }

    // MARK: - Operator actions (admin routes)

    /// Every job of this runner, with its latest run.
    public func summaries() async throws -> [JobSummary] {
        var summaries: [JobSummary] = []
        for job in jobs {
            if let summary = try await summary(of: job.name, runs: 1) { summaries.append(summary) }
        }
        return summaries
    }

    /// One job with its latest `runs` runs; nil when this runner has no such job.
    public func summary(of name: String, runs: Int = 20) async throws -> JobSummary? {
        guard let job = jobs.first(where: { $0.name == name }) else { return nil }
        let current = try await store.settings(of: [name])[name]
        let schedule = current?.expression ?? job.schedule
        return JobSummary(
            name: name,
            schedule: current?.schedule ?? job.schedule.text,
            timeZone: current?.timeZone ?? job.schedule.timeZone.identifier,
            declaredSchedule: job.schedule.text,
            declaredTimeZone: job.schedule.timeZone.identifier,
            isOverridden: current?.isOverridden ?? false,
            isEnabled: current?.isEnabled ?? true,
            nextTick: schedule.nextFireDate(after: Date()),
            triggerRequestedAt: current?.pendingTrigger?.requestedAt,
            timeout: job.timeout,
            catchUp: job.catchUp,
            recentRuns: try await store.recentRuns(of: name, limit: runs)
        )
    }

    /// Enables or disables a job on every instance; false when this runner has no such job.
    public func setEnabled(_ enabled: Bool, job name: String) async throws -> Bool {
        try await change(name) { try await self.store.setEnabled(enabled, job: name) }
    }

    /// Asks for one run now, taken by whichever instance gets there first; false when there is no such job.
    public func trigger(_ name: String) async throws -> Bool {
        try await change(name) { try await self.store.requestTrigger(job: name) }
    }

    /// Replaces a job's schedule (and zone) on every instance; nil for both returns to the declared ones.
    /// Throws `InvalidSchedule` for an expression or zone that cannot be used; false when there is no such job.
    public func reschedule(_ name: String, schedule: String?, timeZone: String?) async throws -> Bool {
        guard let job = jobs.first(where: { $0.name == name }) else { return false }
        if schedule != nil || timeZone != nil {
            let zoneName = timeZone ?? job.schedule.timeZone.identifier
            guard let zone = TimeZone(identifier: zoneName) else {
                throw InvalidSchedule(description: "unknown time zone '\(zoneName)'")
            }
            do {
                _ = try CronExpression(schedule ?? job.schedule.text, timeZone: zone)
            } catch {
                throw InvalidSchedule(description: error.description)
            }
        }
        return try await change(name) { try await self.store.override(job: name, schedule: schedule, timeZone: timeZone) }
    }

    /// Applies an operator's change to a job of this runner and reloads the settings at once; registers
    /// the jobs first when the change comes before the runner has (right after start).
    private func change(_ name: String, _ update: @Sendable () async throws -> Bool) async throws -> Bool {
        guard jobs.contains(where: { $0.name == name }) else { return false }
        var found = try await update()
        if !found {
            try await store.register(jobs, service: configuration.service)
            found = try await update()
        }
        guard found else { return false }
        try await reloadSettings()
        return true
    }
}
