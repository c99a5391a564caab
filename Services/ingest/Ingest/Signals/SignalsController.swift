import BallastCore
import BallastService
import Foundation
import Hummingbird

/// `GET /api/v1/signals` (filters, cursor pagination) and `GET /api/v1/signals/{id}`, for the caller's signals.
struct SignalsController {
    let repository: SignalStore

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get { request, context in
            let user = try context.requireUser()
            var query = try SignalQuery(parameters: request.queryValues)
            let limit = query.limit
            query.limit += 1
            let page = try await repository.signals(of: user, matching: query)
            let items = Array(page.prefix(limit))
            let next = page.count > limit ? items.last.map { PageCursor(date: $0.receivedAt, id: $0.id).text } : nil
            return ListResponse(data: items, nextCursor: next)
        }
        group.get("{id}") { _, context in
            let user = try context.requireUser()
            let text = try context.parameters.require("id")
            guard let id = UUID(uuidString: text), let signal = try await repository.signal(id, of: user) else {
                throw ProblemDetails(status: .notFound, detail: "no signal with id '\(text.prefix(64))'")
            }
            return signal
        }
    }
}

extension SignalDocument: ResponseEncodable {}
