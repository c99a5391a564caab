import BallastTrading
import Foundation
import Logging

/// A dry run at the exchange: each order of a plan is sent with `validateOnly` (Kraken's `validate`), so the exchange
/// checks it (its market, size, funds) and places nothing. What the seed's dry runs did, and what tells a trader whether
/// the real run would go through.
public struct ExchangeDryRun: Sendable {
    let orders: ExchangeOrderStore
    let connections: VenueConnections
    let logger: Logger

    public init(orders: ExchangeOrderStore, connections: VenueConnections, logger: Logger) {
        self.orders = orders
        self.connections = connections
        self.logger = logger
    }

    /// The exchange's verdict on each of `tickets` for account `account`: `.validated` with what the exchange read, or
    /// `.rejected` with its reason. Nil when the account does not trade on an exchange.
    public func validate(_ tickets: [MarketOrderTicket], account: UUID, prices: [String: Decimal]) async throws -> [MarketOrderResult]? {
        guard let (kind, credentials) = try await orders.credentials(of: account) else { return nil }
        let venue = try await connections.venue(of: account, kind: kind, credentials: credentials)
        var results: [MarketOrderResult] = []
        for ticket in tickets {
            var result = MarketOrderResult(
                clientOrderID: ticket.clientOrderID, orderID: nil, symbol: ticket.symbol, side: ticket.side, status: .validated,
                requestedQuantity: ticket.quantity, filledQuantity: 0, price: prices[ticket.symbol], fee: 0, value: 0, reason: nil)
            do {
                let rules = try await venue.rules(for: ticket.symbol)
                let quantity = ticket.quantity.rounded(.down, places: rules.quantityDecimals)
                let placement = try await venue.place(
                    VenueOrderRequest(
                        clientOrderID: UUID().uuidString.lowercased(), symbol: ticket.symbol, side: ticket.side, type: .market,
                        quantity: quantity, validateOnly: true))
                result.reason = "\(kind.rawValue) would accept: \(placement.description)"
            } catch let error as VenueError {
                result.status = .rejected
                result.reason = "\(kind.rawValue) would refuse: \(error)"
            }
            results.append(result)
        }
        return results
    }
}
