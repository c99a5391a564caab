import BallastService
import BallastTrading
import Foundation
import Hummingbird

/// `GET /api/v1/orders` (filters, cursor pagination), `GET /api/v1/orders/{id}` and
/// `POST /api/v1/orders/{id}/cancel`, for the caller's paper orders.
struct OrdersController {
    let trading: TradingBackend

    /// The `status` filter: an order status, or `open` for both open ones (new, partially filled).
    static let statuses = ["open"] + OrderStatus.allCases.map(\.rawValue)

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get { request, context in
            let user = try context.requireUser()
            let page = try await trading.queries.orders(of: user, matching: try OrderFilter(parameters: request.queryValues))
            return ListResponse(data: page.items, nextCursor: page.next?.text)
        }
        group.get("{id}") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "order")
            guard let order = try await trading.queries.order(id, of: user) else { throw ProblemDetails.notFound("order", "\(id)") }
            return order
        }
        group.post("{id}/cancel") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "order")
            do {
                return try await trading.actions.cancelOrder(id, user: user)
            } catch AccountActions.Failure.noAccount {
                throw try await trading.noAccount(user)
            } catch AccountActions.Failure.notFound {
                throw ProblemDetails.notFound("order", "\(id)")
            } catch AccountActions.Failure.notOpen(let status) {
                throw ProblemDetails(
                    status: .conflict, detail: "the order is \(status.rawValue), not open: only open orders can be canceled")
            }
        }
    }
}

extension OrderFilter {
    /// Parses the query string of `GET /api/v1/orders`, reporting every bad parameter.
    init(parameters: [String: String]) throws(ProblemDetails) {
        var reader = QueryParameters(parameters)
        let status = reader.choice("status", OrdersController.statuses)
        let statuses: [OrderStatus]? =
            switch status {
            case nil: nil
            case "open": OrderStatus.allCases.filter(\.isOpen)
            case let status?: OrderStatus(rawValue: status).map { [$0] }
            }
        self.init(statuses: statuses, symbol: reader.symbol(), limit: reader.limit(1...500, default: 100), after: reader.cursor())
        try reader.check()
    }
}

extension OrderView: ResponseEncodable {}
