import BallastService
import Foundation
import Hummingbird

/// `/api/v1/sources`: list, create (secret shown once), get, rename, delete, rotate the secret.
struct SourcesController {
    let store: SignalSourceStore
    /// Told about deleted sources and rotated secrets, so that webhooks stop accepting the old ones here at once.
    let cache: SourceCache

    struct SourceInput: Decodable {
        var name: String
    }

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get { _, context in
            ListResponse(data: try await store.list(user: try context.requireUser()), nextCursor: nil)
        }
        group.post { request, context in
            let user = try context.requireUser()
            let name = try await Self.name(from: request, context: context)
            do {
                return EditedResponse(status: .created, response: try await store.create(name: name, user: user))
            } catch let failure as SignalSourceStore.Failure {
                throw ProblemDetails(status: .conflict, detail: failure.description)
            }
        }
        group.get("{id}") { _, context in
            let user = try context.requireUser()
            return try Self.found(try await store.get(try Self.id(context), user: user), context)
        }
        group.patch("{id}") { request, context in
            let user = try context.requireUser()
            let id = try Self.id(context)
            try await refuseIfDefault(id, user: user)
            let name = try await Self.name(from: request, context: context)
            do {
                return try Self.found(try await store.rename(id, to: name, user: user), context)
            } catch let failure as SignalSourceStore.Failure {
                throw ProblemDetails(status: .conflict, detail: failure.description)
            }
        }
        group.delete("{id}") { _, context in
            let user = try context.requireUser()
            let id = try Self.id(context)
            try await refuseIfDefault(id, user: user)
            guard try await store.delete(id, user: user) else { throw Self.notFound(context) }
            cache.forget(id)
            return Response(status: .noContent)
        }
        group.post("{id}/rotate-secret") { _, context in
            let user = try context.requireUser()
            let id = try Self.id(context)
            try await refuseIfDefault(id, user: user)
            let rotated = try await store.rotateSecret(id, user: user)
            cache.forget(id)
            return try Self.found(rotated, context)
        }
    }

    /// The default source follows `BALLAST_WEBHOOK_SECRET`; the API cannot change it.
    private func refuseIfDefault(_ id: UUID, user: UUID) async throws {
        if try await store.get(id, user: user)?.isDefault == true {
            throw ProblemDetails(
                status: .conflict,
                detail: "the default source is managed by the server's BALLAST_WEBHOOK_SECRET and cannot be changed here"
            )
        }
    }

    static func name(from request: Request, context: IngestRequestContext) async throws -> String {
        let input: SourceInput
        do {
            input = try await request.decode(as: SourceInput.self, context: context)
        } catch {
            throw ProblemDetails(
                status: .badRequest,
                detail: "send a JSON object with a name",
                invalidParams: [.init(name: "name", reason: "is required")]
            )
        }
        return try checkedName(input.name)
    }

    /// `name` when it can name a source; otherwise a 400 that says what a name may hold.
    static func checkedName(_ name: String) throws(ProblemDetails) -> String {
        if name == "default" {
            throw ProblemDetails(
                status: .badRequest,
                detail: "the name is invalid",
                invalidParams: [.init(name: "name", reason: "'default' is reserved for the server's default source")]
            )
        }
        guard (1...64).contains(name.count), let first = name.first, first.isASCII, first.isLetter || first.isNumber,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || " ._-".contains($0)) })
        else {
            throw ProblemDetails(
                status: .badRequest,
                detail: "the name is invalid",
                invalidParams: [
                    .init(name: "name", reason: "1 to 64 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit")
                ]
            )
        }
        return name
    }

    static func id(_ context: IngestRequestContext) throws -> UUID {
        guard let id = UUID(uuidString: try context.parameters.require("id")) else { throw notFound(context) }
        return id
    }

    static func found(_ source: SourceView?, _ context: IngestRequestContext) throws -> SourceView {
        guard let source else { throw notFound(context) }
        return source
    }

    static func notFound(_ context: IngestRequestContext) -> ProblemDetails {
        ProblemDetails(status: .notFound, detail: "no signal source with id '\((context.parameters.get("id") ?? "").prefix(64))'")
    }
}

extension SourceView: ResponseEncodable {}
