import BallastService
import BallastTrading
import Foundation
import HTTPTypes
import Hummingbird

/// `GET /api/v1/positions` (filters, cursor pagination), `GET /api/v1/positions/{id}` and
/// `POST /api/v1/positions/{id}/close` (a market order at the last price), for the caller's positions.
struct PositionsController {
    let trading: TradingBackend

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get { request, context in
            let user = try context.requireUser()
            let page = try await trading.queries.positions(of: user, matching: try PositionFilter(parameters: request.queryValues))
            return ListResponse(data: page.items, nextCursor: page.next?.text)
        }
        group.get("{id}") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "position")
            guard let position = try await trading.queries.position(id, of: user) else {
                throw ProblemDetails.notFound("position", "\(id)")
            }
            return position
        }
        group.post("{id}/close") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "position")
            do {
                return try await trading.actions.closePosition(id, user: user)
            } catch AccountActions.Failure.noAccount {
                throw try await trading.noAccount(user)
            } catch AccountActions.Failure.notFound {
                throw ProblemDetails(status: .notFound, detail: "no open position with id '\(id)'")
            } catch AccountActions.Failure.noPrice(let symbol) {
                // Market data has no recent trade of the symbol: nothing to price the exit at until it has.
                throw ProblemDetails(
                    status: .serviceUnavailable,
                    detail: "no fresh price for \(symbol) to close the position at; try again when market data has a recent trade",
                    headers: [.retryAfter: "5"]
                )
            } catch let failure as AccountActions.Failure {
                // Buying back a short that the account's cash no longer covers: fund it, then close.
                throw ProblemDetails(status: .conflict, detail: failure.description)
            }
        }
    }
}

extension PositionFilter {
    /// Parses the query string of `GET /api/v1/positions`, reporting every bad parameter.
    init(parameters: [String: String]) throws(ProblemDetails) {
        var reader = QueryParameters(parameters)
        let status = reader.choice("status", PositionStatus.allCases.map(\.rawValue)).flatMap(PositionStatus.init(rawValue:))
        self.init(status: status, symbol: reader.symbol(), limit: reader.limit(1...500, default: 100), after: reader.cursor())
        try reader.check()
    }
}

extension PositionView: ResponseEncodable {}
