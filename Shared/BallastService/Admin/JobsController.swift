import BallastCore
import BallastScheduler
import Foundation
import Hummingbird

/// `/jobs` on the admin port: the service's scheduled jobs, their runs, and the operator's switches.
/// Changes go to Postgres, so every instance of the service follows them within a second. A process that runs several
/// services has one runner per service (each registers its jobs under its own service's name); a job's name is unique
/// across them, so it finds its runner.
struct JobsController: Sendable {
    let runners: [JobRunner]

    func addRoutes(to group: RouterGroup<BasicRequestContext>) {
        group.get { _, _ in
            var summaries: [JobSummary] = []
            for runner in runners { summaries += try await available { try await runner.summaries() } }
            return Self.json(.ok, ["jobs": summaries.map(JobBody.init)])
        }
        group.get(":name") { _, context in
            let name = try context.parameters.require("name")
            return Self.json(.ok, JobBody(try await summary(of: name)))
        }
        group.post(":name/enable") { _, context in
            try await change(context) { try await $0.setEnabled(true, job: $1) }
        }
        group.post(":name/disable") { _, context in
            try await change(context) { try await $0.setEnabled(false, job: $1) }
        }
        group.post(":name/trigger") { _, context in
            let name = try context.parameters.require("name")
            guard let runner = owner(of: name), try await available({ try await runner.trigger(name) }) else { throw unknownJob(name) }
            return Self.json(.accepted, JobBody(try await summary(of: name)))
        }
        group.post(":name/schedule") { request, context in
            let name = try context.parameters.require("name")
            let body = try await request.decode(as: ScheduleChange.self, context: context)
            guard let runner = owner(of: name) else { throw unknownJob(name) }
            let found: Bool
            do {
                found = try await available { try await runner.reschedule(name, schedule: body.schedule, timeZone: body.timeZone) }
            } catch let invalid as JobRunner.InvalidSchedule {
                throw ProblemDetails(
                    status: .badRequest,
                    detail: "the schedule cannot be used",
                    invalidParams: [.init(name: body.schedule == nil ? "timeZone" : "schedule", reason: invalid.description)]
                )
            }
            guard found else { throw unknownJob(name) }
            return Self.json(.ok, JobBody(try await summary(of: name)))
        }
    }

    /// `{"schedule": "*/5 * * * *", "timeZone": "Europe/Berlin"}`; both absent or null return to the declared ones.
    struct ScheduleChange: Decodable {
        var schedule: String?
        var timeZone: String?
    }

    private func change(
        _ context: BasicRequestContext, _ action: @escaping @Sendable (JobRunner, String) async throws -> Bool
    ) async throws -> Response {
        let name = try context.parameters.require("name")
        guard let runner = owner(of: name), try await available({ try await action(runner, name) }) else { throw unknownJob(name) }
        return Self.json(.ok, JobBody(try await summary(of: name)))
    }

    private func summary(of name: String) async throws -> JobSummary {
        guard let runner = owner(of: name), let summary = try await available({ try await runner.summary(of: name) }) else {
            throw unknownJob(name)
        }
        return summary
    }

    /// The runner that declares the job named `name`, if any.
    private func owner(of name: String) -> JobRunner? {
        runners.first { runner in runner.jobs.contains { $0.name == name } }
    }

    /// Database trouble is the server's state, not the caller's mistake: 503, with the reason.
    private func available<Value>(_ operation: () async throws -> Value) async throws -> Value {
        do {
            return try await operation()
        } catch let error as JobRunner.InvalidSchedule {
            throw error
        } catch {
            throw ProblemDetails(status: .serviceUnavailable, detail: "the scheduler's state is unavailable: \(error)")
        }
    }

    private func unknownJob(_ name: String) -> ProblemDetails {
        ProblemDetails(status: .notFound, detail: "no job named '\(name)' in this service")
    }

    private static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A job as JSON: times as RFC 3339 strings, durations in milliseconds.
private struct JobBody: Encodable {
    struct Run: Encodable {
        var tick: String
        var trigger: String
        var instance: String
        var skippedBefore: Int
        var startedAt: String
        var finishedAt: String?
        var outcome: String
        var error: String?
    }

    var name: String
    var schedule: String
    var timeZone: String
    var declaredSchedule: String
    var declaredTimeZone: String
    var overridden: Bool
    var enabled: Bool
    var nextTick: String?
    var triggerRequestedAt: String?
    var timeoutMs: Int64
    var catchUp: String
    var startingDeadlineMs: Int64
    var runs: [Run]

    init(_ summary: JobSummary) {
        name = summary.name
        schedule = summary.schedule
        timeZone = summary.timeZone
        declaredSchedule = summary.declaredSchedule
        declaredTimeZone = summary.declaredTimeZone
        overridden = summary.isOverridden
        enabled = summary.isEnabled
        nextTick = summary.nextTick.map(RFC3339.string(from:))
        triggerRequestedAt = summary.triggerRequestedAt.map(RFC3339.string(from:))
        timeoutMs = summary.timeout.wholeMilliseconds
        switch summary.catchUp {
        case .skip: catchUp = "skip"
        case .runOnce: catchUp = "run-once"
        }
        startingDeadlineMs = summary.catchUp.startingDeadline.wholeMilliseconds
        runs = summary.recentRuns.map {
            Run(
                tick: RFC3339.string(from: $0.tick),
                trigger: $0.trigger.rawValue,
                instance: $0.instance,
                skippedBefore: $0.skippedBefore,
                startedAt: RFC3339.string(from: $0.startedAt),
                finishedAt: $0.finishedAt.map(RFC3339.string(from:)),
                outcome: $0.outcome.rawValue,
                error: $0.error
            )
        }
    }
}
