import BallastService
import BallastTrading
import Foundation
import Hummingbird

/// `GET /api/v1/fills` (filters, cursor pagination): the executions of the caller's orders, newest first.
struct FillsController {
    let trading: TradingBackend

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get { request, context in
            let user = try context.requireUser()
            let page = try await trading.queries.fills(of: user, matching: try FillFilter(parameters: request.queryValues))
            return ListResponse(data: page.items, nextCursor: page.next?.text)
        }
    }
}

extension FillFilter {
    /// Parses the query string of `GET /api/v1/fills`, reporting every bad parameter.
    init(parameters: [String: String]) throws(ProblemDetails) {
        var reader = QueryParameters(parameters)
        self.init(
            symbol: reader.symbol(), orderID: reader.uuid("orderId"), limit: reader.limit(1...500, default: 100), after: reader.cursor())
        try reader.check()
    }
}
