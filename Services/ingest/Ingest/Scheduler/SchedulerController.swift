import BallastCore
import BallastScheduler
import BallastService
import Foundation
import Hummingbird

/// `/api/v1/scheduler`: the scheduled jobs of every service, as the Kraken seed shows them to its users.
///
/// Any key may read them. Jobs are global to the installation, so starting, stopping, triggering and
/// rescheduling take an admin key (`ballast api-key create --admin`). The changes are the `scheduled_jobs` rows
/// the admin port's `/jobs` changes: every instance of the owning service follows them within a second.
struct SchedulerController {
    static let maxBodyBytes = 4 * 1024

    let jobs: JobStore

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get { _, context in
            let now = Date()
            // A failed run's error text may name another user's data: admin keys only.
            return ListResponse(
                data: try await available { try await jobs.scheduledJobs() }.map {
                    ScheduledJobView($0, now: now, showingErrors: context.isAdmin)
                })
        }
        group.post(":job/start") { _, context in
            try await change(context) { try await jobs.setEnabled(true, job: $0) }
        }
        group.post(":job/stop") { _, context in
            try await change(context) { try await jobs.setEnabled(false, job: $0) }
        }
        group.post(":job/trigger") { _, context in
            // Accepted: the run starts on whichever instance of the service sees the request first.
            EditedResponse(status: .accepted, response: try await change(context) { try await jobs.requestTrigger(job: $0) })
        }
        group.put(":job") { request, context in
            try requireAdmin(context)
            let name = try context.parameters.require("job")
            let job = try await job(named: name)
            let body = try await JSONRequestBody.read(request, maxBytes: Self.maxBodyBytes)
            let change = try ScheduleChange(body.value, declared: job)
            guard try await available({ try await jobs.override(job: name, schedule: change.schedule, timeZone: change.timeZone) })
            else { throw Self.unknownJob(name) }
            return ScheduledJobView(try await self.job(named: name), now: Date(), showingErrors: true)
        }
    }

    private func change(
        _ context: IngestRequestContext, _ action: @escaping @Sendable (String) async throws -> Bool
    ) async throws -> ScheduledJobView {
        try requireAdmin(context)
        let name = try context.parameters.require("job")
        guard try await available({ try await action(name) }) else { throw Self.unknownJob(name) }
        return ScheduledJobView(try await job(named: name), now: Date(), showingErrors: true)
    }

    private func requireAdmin(_ context: IngestRequestContext) throws {
        guard context.isAdmin else {
            throw ProblemDetails(
                status: .forbidden,
                detail: "jobs are global: changing one takes an admin API key (ballast api-key create --admin)")
        }
    }

    private func job(named name: String) async throws -> JobStore.ScheduledJob {
        guard let job = try await available({ try await jobs.scheduledJobs(named: name) }).first else { throw Self.unknownJob(name) }
        return job
    }

    /// Database trouble is the server's state, not the caller's mistake: 503, with the reason.
    private func available<Value>(_ operation: () async throws -> Value) async throws -> Value {
        do {
            return try await operation()
        } catch {
            throw ProblemDetails(status: .serviceUnavailable, detail: "the scheduler's state is unavailable: \(error)")
        }
    }

    private static func unknownJob(_ name: String) -> ProblemDetails {
        ProblemDetails(status: .notFound, detail: "no scheduled job named '\(name.prefix(100))'")
    }
}

/// `{"schedule": "*/5 * * * *", "timeZone": "Europe/Berlin"}`, checked as the runners will read it: a field left out
/// or null returns to the job's declared value (both out: the declared schedule again), as on the admin port.
private struct ScheduleChange {
    var schedule: String?
    var timeZone: String?

    init(_ body: JSONValue, declared job: JobStore.ScheduledJob) throws {
        guard case .object = body else { throw BodyFields.failure([.init(name: "body", reason: "must be a JSON object")]) }
        var fields = BodyFields(body)
        fields.reportUnknown(["schedule", "timeZone"], of: "a schedule change")
        schedule = fields.text("schedule", maxLength: 256)
        timeZone = fields.text("timeZone", maxLength: 64)
        for name in ["schedule", "timeZone"] where fields.isPresent(name) && !fields.hasProblem(name) {
            if (name == "schedule" ? schedule : timeZone) == nil { fields.report(name, "must not be empty") }
        }
        let zoneName = timeZone ?? job.declaredTimeZone
        let zone = TimeZone(identifier: zoneName)
        if zone == nil, !fields.hasProblem("timeZone") {
            fields.report("timeZone", "unknown time zone '\(zoneName.prefix(64))'")
        }
        if !fields.hasProblem("schedule") {
            do {
                _ = try CronExpression(schedule ?? job.declaredSchedule, timeZone: zone ?? TimeZone(identifier: "UTC")!)
            } catch {
                fields.report("schedule", error.description)
            }
        }
        guard fields.problems.isEmpty else { throw fields.failure }
    }
}

/// A job as JSON: times as RFC 3339 strings; `nextRun` is null while the job is stopped.
private struct ScheduledJobView: ResponseEncodable, Sendable {
    struct Run: Encodable, Sendable {
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
    var declaredSchedule: String
    var declaredTimeZone: String
    var overridden: Bool
    var enabled: Bool
    var running: Bool
    var nextRun: String?
    var triggerRequestedAt: String?
    var lastRun: Run?

    /// `showingErrors`: whether a failed run's error text is included (admin keys only).
    init(_ job: JobStore.ScheduledJob, now: Date, showingErrors: Bool) {
        name = job.name
        service = job.service
        schedule = job.schedule
        timeZone = job.timeZone
        declaredSchedule = job.declaredSchedule
        declaredTimeZone = job.declaredTimeZone
        overridden = job.isOverridden
        enabled = job.isEnabled
        running = job.isRunning
        nextRun = job.nextTick(after: now).map(RFC3339.string(from:))
        triggerRequestedAt = job.triggerRequestedAt.map(RFC3339.string(from:))
        lastRun = job.lastRun.map {
            Run(
                status: $0.outcome.rawValue,
                trigger: $0.trigger.rawValue,
                tick: RFC3339.string(from: $0.tick),
                startedAt: RFC3339.string(from: $0.startedAt),
                finishedAt: $0.finishedAt.map(RFC3339.string(from:)),
                error: showingErrors ? $0.error : nil
            )
        }
    }
}
