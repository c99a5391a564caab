import BallastCore
import BallastService
import BallastTrading
import Foundation
import Hummingbird

/// `/api/v1/experiments`: the caller's A/B experiments over their signals (`Experiment`), started and stopped, and
/// their reports. Another user's experiment is a 404, like an unknown one. A change forgets the caller's sources in
/// this instance's cache, so the next signal is routed by it; other ingest instances follow within the cache's second.
struct ExperimentsController {
    static let maxBodyBytes = 32 * 1024

    let store: ExperimentStore
    let accounts: PaperAccountStore
    let sources: SourceCache

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get { _, context in
            ListResponse(data: try await store.list(user: try context.requireUser()).map(ExperimentView.init), nextCursor: nil)
        }
        group.post { request, context in
            let user = try context.requireUser()
            let experiment = try await create(request, user: user)
            sources.forget(user: user)
            return EditedResponse(
                status: .created, headers: [.location: "/api/v1/experiments/\(experiment.id.uuidString.lowercased())"],
                response: ExperimentView(experiment))
        }
        group.get("{id}") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "experiment")
            guard let experiment = try await store.experiment(id, user: user) else { throw ProblemDetails.notFound("experiment", "\(id)") }
            return ExperimentView(experiment)
        }
        group.patch("{id}") { request, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "experiment")
            let input = ExperimentInput(try await JSONRequestBody.read(request, maxBytes: Self.maxBodyBytes).value, creating: false)
            guard input.problems.isEmpty else { throw BodyFields.failure(input.problems) }
            let changed = try await Self.refusals { try await store.update(id, user: user, name: input.name, scope: input.scope) }
            guard let changed else { throw ProblemDetails.notFound("experiment", "\(id)") }
            sources.forget(user: user)
            return ExperimentView(changed)
        }
        group.delete("{id}") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "experiment")
            guard try await store.delete(id, user: user) else { throw ProblemDetails.notFound("experiment", "\(id)") }
            sources.forget(user: user)
            return Response(status: .noContent)
        }
        group.post("{id}/start") { _, context in
            try await transition(context) { id, user in try await store.start(id, user: user) }
        }
        group.post("{id}/stop") { _, context in
            try await transition(context) { id, user in try await store.stop(id, user: user) }
        }
        group.get("{id}/report") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "experiment")
            guard let report = try await store.report(id, user: user) else { throw ProblemDetails.notFound("experiment", "\(id)") }
            return ExperimentReportView(report: report)
        }
    }

    private func create(_ request: Request, user: UUID) async throws -> Experiment {
        var input = ExperimentInput(try await JSONRequestBody.read(request, maxBytes: Self.maxBodyBytes).value, creating: true)
        guard input.problems.isEmpty, let name = input.name else { throw BodyFields.failure(input.problems) }
        let quote: String
        if let chosen = input.quoteCurrency {
            quote = chosen
        } else {
            quote = try await accounts.account(of: user)?.quoteCurrency ?? "USD"
        }
        let experiment = NewExperiment(
            name: name, mode: input.mode, scope: input.scope ?? ExperimentScope(), quoteCurrency: quote, variants: input.variants,
            start: input.start)
        return try await Self.refusals {
            do {
                return try await store.create(experiment, user: user)
            } catch ExperimentStore.Failure.unknownSource(let index, let id) {
                input.report("scope.sources[\(index)]", "you have no signal source with id \(id.uuidString.lowercased())")
                throw BodyFields.failure(input.problems)
            }
        }
    }

    private func transition(
        _ context: IngestRequestContext, _ change: (UUID, UUID) async throws -> Experiment?
    ) async throws -> ExperimentView {
        let user = try context.requireUser()
        let id = try context.pathID(of: "experiment")
        guard let experiment = try await Self.refusals({ try await change(id, user) }) else {
            throw ProblemDetails.notFound("experiment", "\(id)")
        }
        sources.forget(user: user)
        return ExperimentView(experiment)
    }

    /// The store's refusals as the API answers them.
    private static func refusals<Value>(_ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch ExperimentStore.Failure.notDraft(let status) {
            throw ProblemDetails(status: .conflict, detail: "the experiment is \(status.rawValue); only a draft's name and scope change")
        } catch ExperimentStore.Failure.stopped {
            throw ProblemDetails(status: .conflict, detail: "a stopped experiment does not start again; create a new one")
        } catch ExperimentStore.Failure.unknownSource(let index, let id) {
            throw BodyFields.failure([
                .init(name: "scope.sources[\(index)]", reason: "you have no signal source with id \(id.uuidString.lowercased())")
            ])
        }
    }
}

/// `GET /api/v1/experiments/{id}/report`.
struct ExperimentReportView: ResponseEncodable, Sendable {
    var report: ExperimentReport

    func encode(to encoder: any Encoder) throws { try report.encode(to: encoder) }
}
