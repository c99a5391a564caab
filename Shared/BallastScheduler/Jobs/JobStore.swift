import BallastCore
import Foundation
import Logging
import PostgresNIO

/// The scheduler's tables: `scheduled_jobs` (shared run-time settings) and `job_runs` (one row per run,
/// unique on `(job, tick)`: the fence).
///
/// Public for ingest's scheduler API, which shows and changes the jobs of every service without running any:
/// its changes are the same rows the runners read every second.
public struct JobStore: Sendable {
    enum Claim: Equatable {
        /// This instance runs the tick; `previousTick` is the job's latest scheduled tick before it.
        case claimed(runID: Int64, previousTick: Date?)
        /// The tick already has a run (another instance, or an earlier attempt).
        case alreadyRun
        /// Another run of the job has not finished: the tick is skipped so runs never overlap.
        case busy
    }

    /// A job of any service as `scheduled_jobs` and its latest run describe it.
    public struct ScheduledJob: Sendable {
        public var name: String
        public var service: String
        /// The effective schedule and zone (an operator's override when `isOverridden`).
        public var schedule: String
        public var timeZone: String
        public var declaredSchedule: String
        public var declaredTimeZone: String
        public var isOverridden: Bool
        public var isEnabled: Bool
        /// A "run now" no instance has taken yet.
        public var triggerRequestedAt: Date?
        public var lastRun: JobRunRecord?
        /// Whether a run of the job is unfinished.
        public var isRunning: Bool

        /// The next scheduled tick; nil while the job is disabled. A stored schedule that no longer parses is
        /// replaced by the declared one, as the runners do.
        public func nextTick(after date: Date) -> Date? {
            guard isEnabled else { return nil }
            let effective = TimeZone(identifier: timeZone).flatMap { try? CronExpression(schedule, timeZone: $0) }
            let declared = TimeZone(identifier: declaredTimeZone).flatMap { try? CronExpression(declaredSchedule, timeZone: $0) }
            return (effective ?? declared)?.nextFireDate(after: date)
        }
    }

    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Records the declared schedule of each job; run-time settings made by operators are kept.
    func register(_ jobs: [Job], service: String) async throws {
        for job in jobs {
            try await database.query(
                """
                INSERT INTO scheduled_jobs (name, service, schedule, time_zone)
                VALUES (\(job.name), \(service), \(job.schedule.text), \(job.schedule.timeZone.identifier))
                ON CONFLICT (name) DO UPDATE
                SET service = EXCLUDED.service, schedule = EXCLUDED.schedule, time_zone = EXCLUDED.time_zone
                """,
                logger: logger
            )
        }
    }

    /// The shared settings of the named jobs.
    func settings(of names: [String]) async throws -> [String: JobSettings] {
        let rows = try await database.query(
            """
            SELECT name, schedule, time_zone, override_schedule, override_time_zone, enabled,
                   trigger_requested_at, trigger_sequence
            FROM scheduled_jobs WHERE name = ANY(\(names))
            """,
            logger: logger
        )
        var settings: [String: JobSettings] = [:]
        for try await (name, schedule, zone, overrideSchedule, overrideZone, enabled, triggerAt, sequence) in rows.decode(
            (String, String, String, String?, String?, Bool, Date?, Int64).self
        ) {
            settings[name] = JobSettings(
                schedule: overrideSchedule ?? schedule,
                timeZone: overrideZone ?? zone,
                isOverridden: overrideSchedule != nil || overrideZone != nil,
                isEnabled: enabled,
                pendingTrigger: triggerAt.map { JobSettings.Trigger(requestedAt: $0, sequence: sequence) }
            )
        }
        return settings
    }

    /// The tick of the job's latest scheduled run, where a restarted runner picks up.
    func latestScheduledTick(of job: String) async throws -> Date? {
        let rows = try await database.query(
            "SELECT max(tick) FROM job_runs WHERE job = \(job) AND trigger = 'schedule'",
            logger: logger
        )
        for try await tick in rows.decode(Date?.self) { return tick }
        return nil
    }

    /// Inserts the run's row unless the tick has one or another run of the job is unfinished
    /// (`claim_job_tick`, one transaction serialised per job). A running row whose heartbeat is older
    /// than `staleAfter` is first marked `abandoned`: its instance died.
    func claim(
        job: String,
        tick: Date,
        trigger: JobRun.Trigger,
        triggerSequence: Int64?,
        instance: String,
        staleAfter: Duration
    ) async throws -> Claim {
        let rows = try await database.query(
            """
            SELECT outcome, run_id, previous_tick
            FROM claim_job_tick(\(job), \(tick), \(trigger.rawValue), \(instance), \(staleAfter.inSeconds), \(triggerSequence))
            """,
            logger: logger
        )
        for try await (outcome, runID, previousTick) in rows.decode((String, Int64?, Date?).self) {
            switch (outcome, runID) {
            case ("claimed", let runID?): return .claimed(runID: runID, previousTick: previousTick)
            case ("busy", _): return .busy
            default: return .alreadyRun
            }
        }
        return .alreadyRun
    }

    /// Proves the run's instance is alive; false when the run is no longer running (another instance found
    /// it silent for too long and marked it abandoned), so the run must stop.
    func heartbeat(runID: Int64) async throws -> Bool {
        let rows = try await database.query(
            "UPDATE job_runs SET heartbeat_at = clock_timestamp() WHERE id = \(runID) AND finished_at IS NULL RETURNING id",
            logger: logger
        )
        for try await _ in rows.decode(Int64.self) { return true }
        return false
    }

    /// Whether the tick is decided: it has a run, or another run of the job is unfinished (so the tick
    /// falls inside it and is skipped). False while the holder of the job's lock has not claimed it yet.
    func isSettled(job: String, tick: Date) async throws -> Bool {
        let rows = try await database.query(
            "SELECT EXISTS (SELECT 1 FROM job_runs WHERE job = \(job) AND (tick = \(tick) OR finished_at IS NULL))",
            logger: logger
        )
        for try await settled in rows.decode(Bool.self) { return settled }
        return false
    }

    /// Records how the run ended; false when the row was no longer running (another instance found it
    /// silent for too long and marked it abandoned).
    func finish(runID: Int64, outcome: JobRunRecord.Outcome, error: String?, skippedBefore: Int) async throws -> Bool {
        let rows = try await database.query(
            """
            UPDATE job_runs
            SET finished_at = clock_timestamp(), outcome = \(outcome.rawValue), error = \(error), skipped_before = \(skippedBefore)
            WHERE id = \(runID) AND finished_at IS NULL
            RETURNING id
            """,
            logger: logger
        )
        for try await _ in rows.decode(Int64.self) { return true }
        return false
    }

    /// Deletes finished runs of these jobs older than `retention`.
    func purgeRuns(of names: [String], olderThan retention: Duration) async throws {
        try await database.query(
            """
            DELETE FROM job_runs
            WHERE job = ANY(\(names)) AND finished_at < clock_timestamp() - make_interval(secs => \(retention.inSeconds))
            """,
            logger: logger
        )
    }

    // MARK: Operator changes

    /// Enables or disables the job; false when there is no such job.
    public func setEnabled(_ enabled: Bool, job: String) async throws -> Bool {
        try await updateReturningFound(
            "UPDATE scheduled_jobs SET enabled = \(enabled), updated_at = now() WHERE name = \(job) RETURNING name"
        )
    }

    /// Asks the instances for a run now; false when there is no such job.
    public func requestTrigger(job: String) async throws -> Bool {
        try await updateReturningFound(
            """
            UPDATE scheduled_jobs
            SET trigger_requested_at = clock_timestamp(), trigger_sequence = trigger_sequence + 1, updated_at = now()
            WHERE name = \(job) RETURNING name
            """
        )
    }

    /// Replaces the schedule until reset (nil, nil); false when there is no such job.
    public func override(job: String, schedule: String?, timeZone: String?) async throws -> Bool {
        try await updateReturningFound(
            """
            UPDATE scheduled_jobs
            SET override_schedule = \(schedule), override_time_zone = \(timeZone), updated_at = now()
            WHERE name = \(job) RETURNING name
            """
        )
    }

    /// The job's latest runs, newest first.
    func recentRuns(of job: String, limit: Int) async throws -> [JobRunRecord] {
        let rows = try await database.query(
            """
            SELECT tick, trigger, instance, skipped_before, started_at, finished_at, outcome, error
            FROM job_runs WHERE job = \(job) ORDER BY started_at DESC LIMIT \(limit)
            """,
            logger: logger
        )
        var runs: [JobRunRecord] = []
        for try await (tick, trigger, instance, skipped, started, finished, outcome, error) in rows.decode(
            (Date, String, String, Int, Date, Date?, String, String?).self
        ) {
            runs.append(
                JobRunRecord(
                    tick: tick,
                    trigger: JobRun.Trigger(rawValue: trigger) ?? .schedule,
                    instance: instance,
                    skippedBefore: skipped,
                    startedAt: started,
                    finishedAt: finished,
                    outcome: JobRunRecord.Outcome(rawValue: outcome) ?? .failed,
                    error: error
                )
            )
        }
        return runs
    }

    /// Every job of every service, by service and name, or only the one named; with its latest run.
    public func scheduledJobs(named name: String? = nil) async throws -> [ScheduledJob] {
        let rows = try await database.query(
            """
            SELECT j.name, j.service, j.schedule, j.time_zone, j.override_schedule, j.override_time_zone, j.enabled,
                   j.trigger_requested_at,
                   r.tick, r.trigger, r.instance, r.skipped_before, r.started_at, r.finished_at, r.outcome, r.error,
                   EXISTS (SELECT 1 FROM job_runs AS u WHERE u.job = j.name AND u.finished_at IS NULL)
            FROM scheduled_jobs AS j
            LEFT JOIN LATERAL (
                SELECT tick, trigger, instance, skipped_before, started_at, finished_at, outcome, error
                FROM job_runs WHERE job = j.name ORDER BY started_at DESC LIMIT 1
            ) AS r ON true
            WHERE \(name)::text IS NULL OR j.name = \(name)
            ORDER BY j.service, j.name
            """,
            logger: logger
        )
        var jobs: [ScheduledJob] = []
        for try await row in rows.decode(
            (
                String, String, String, String, String?, String?, Bool, Date?,
                Date?, String?, String?, Int?, Date?, Date?, String?, String?, Bool
            ).self
        ) {
            let (name, service, schedule, zone, overrideSchedule, overrideZone, enabled, triggerAt) =
                (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7)
            var lastRun: JobRunRecord?
            if let tick = row.8, let trigger = row.9, let instance = row.10, let started = row.12, let outcome = row.14 {
                lastRun = JobRunRecord(
                    tick: tick,
                    trigger: JobRun.Trigger(rawValue: trigger) ?? .schedule,
                    instance: instance,
                    skippedBefore: row.11 ?? 0,
                    startedAt: started,
                    finishedAt: row.13,
                    outcome: JobRunRecord.Outcome(rawValue: outcome) ?? .failed,
                    error: row.15
                )
            }
            jobs.append(
                ScheduledJob(
                    name: name,
                    service: service,
                    schedule: overrideSchedule ?? schedule,
                    timeZone: overrideZone ?? zone,
                    declaredSchedule: schedule,
                    declaredTimeZone: zone,
                    isOverridden: overrideSchedule != nil || overrideZone != nil,
                    isEnabled: enabled,
                    triggerRequestedAt: triggerAt,
                    lastRun: lastRun,
                    isRunning: row.16
                )
            )
        }
        return jobs
    }

    private func updateReturningFound(_ query: PostgresQuery) async throws -> Bool {
        let rows = try await database.query(query, logger: logger)
        for try await _ in rows.decode(String.self) { return true }
        return false
    }
}
