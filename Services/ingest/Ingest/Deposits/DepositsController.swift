import BallastCore
import BallastDeposits
import BallastService
import Foundation
import Hummingbird

/// `/api/v1/deposits`: the caller's deposits (newest first, by status and chain), one by id, counts and sums per
/// chain, asset and status, and the manual retry of a failed one. An admin key (`ballast api-key create --admin`)
/// sees and retries everyone's; for any other key another user's deposit is a 404, like an unknown one.
struct DepositsController {
    let deposits: DepositStore

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get { request, context in
            let user = try context.requireUser()
            var reader = QueryParameters(request.queryValues)
            let status = reader.choice("status", DepositStatus.allCases.map(\.rawValue)).flatMap(DepositStatus.init(rawValue:))
            let chain = reader.chain()
            let owner = reader.uuid("userId")
            if owner != nil, !context.isAdmin {
                reader.report("userId", "filtering by user takes an admin API key; without it the list is your own deposits")
            }
            let limit = reader.limit(1...500, default: 100)
            let cursor = reader.cursor()
            try reader.check()
            let page = try await deposits.list(
                user: context.isAdmin ? owner : user, status: status, chain: chain, after: cursor, limit: limit)
            return ListResponse(data: page.items.map(DepositDocument.init), nextCursor: page.next?.text)
        }
        // Before `{id}`, so that the literal path wins.
        group.get("stats") { _, context in
            let user = try context.requireUser()
            return try await deposits.statistics(user: context.isAdmin ? nil : user)
        }
        group.get("{id}") { _, context in
            let (id, scope) = try Self.target(context)
            guard let deposit = try await deposits.deposit(id, user: scope) else { throw ProblemDetails.notFound("deposit", "\(id)") }
            return DepositDocument(deposit)
        }
        group.post("{id}/retry") { _, context in
            let (id, scope) = try Self.target(context)
            switch try await deposits.retry(id, user: scope) {
            case .success(let deposit):
                return DepositDocument(deposit)
            case .failure(.notFound):
                throw ProblemDetails.notFound("deposit", "\(id)")
            case .failure(.notFailed(let status)):
                throw ProblemDetails(
                    status: .conflict, detail: "the deposit is \(status.rawValue), not failed: only failed deposits can be retried")
            }
        }
    }

    /// The `{id}` of the path, and whose deposits it may name: the caller's, or anyone's for an admin key (nil).
    private static func target(_ context: IngestRequestContext) throws -> (UUID, UUID?) {
        let user = try context.requireUser()
        let text = try context.parameters.require("id")
        guard let id = UUID(uuidString: text) else {
            throw ProblemDetails(
                status: .badRequest, detail: "the path names no deposit: '\(text.prefix(64))' is not a UUID",
                invalidParams: [.init(name: "id", reason: "is not a UUID")])
        }
        return (id, context.isAdmin ? nil : user)
    }
}
