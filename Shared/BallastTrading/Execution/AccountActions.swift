import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// What an owner does to their orders and positions through the API: cancel an open order, close a
/// position at the market. Each runs in one transaction under the account's lock, like signals.
public struct AccountActions: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case noAccount
        case notFound
        /// The order is no longer open (filled, canceled, expired, rejected).
        case notOpen(OrderStatus)
        case noPrice(String)
        /// Buying back a short costs more cash than the account has available.
        case insufficientFunds(needed: Decimal, available: Decimal, asset: String)

        public var description: String {
            switch self {
            case .noAccount: "the user has no paper trading account"
            case .notFound: "not found"
            case .notOpen(let status): "the order is \(status.rawValue), not open"
            case .noPrice(let symbol): "no fresh price for \(symbol)"
            case .insufficientFunds(let needed, let available, let asset):
                "closing needs \(needed.plainText) \(asset) and \(available.plainText) is available"
            }
        }
    }

    let database: PostgresClient
    let prices: MarketPrices
    let settings: ExecutionSettings
    let logger: Logger

    public init(database: PostgresClient, prices: MarketPrices, settings: ExecutionSettings = ExecutionSettings(), logger: Logger) {
        self.database = database
        self.prices = prices
        self.settings = settings
        self.logger = logger
    }

    /// Cancels open order `id` of `userID`, releasing what it still locks.
    public func cancelOrder(_ id: UUID, user userID: UUID) async throws -> OrderView {
        let logger = self.logger
        return try await database.transaction(logger: logger) { connection in
            guard let account = try await PaperAccountStore.lockAccount(of: userID, on: connection, logger: logger) else {
                throw Failure.noAccount
            }
            guard var order = try await OrderStore.order(id, account: account.id, on: connection, logger: logger) else {
                throw Failure.notFound
            }
            guard order.status.isOpen else { throw Failure.notOpen(order.status) }
            if account.venue.isExchange {
                // At an exchange the order is canceled there: it stays open until the exchange confirms, and may fill
                // meanwhile. The dispatcher sends the cancel and books the end.
                _ = try await ExchangeOrderStore.requestCancel([id], account: account.id, on: connection, logger: logger)
                return OrderView(order)
            }
            var writes = AccountWrites(account: account)
            try OrderRelease.end(&order, as: .canceled, reason: "canceled by its owner", account: account, at: Date(), into: &writes)
            try await writes.flush(on: connection, logger: logger)
            return OrderView(order)
        }
    }

    /// Closes open position `id` of `userID` with a market order at the last price (slippage and taker fee
    /// applied); returns the closed position.
    public func closePosition(_ id: UUID, user userID: UUID) async throws -> PositionView {
        let logger = self.logger
        guard let symbol = try await PositionStore.openPositionSymbol(id, user: userID, database: database, logger: logger) else {
            throw Failure.notFound
        }
        guard let quote = try await prices.latest(symbol),
            quote.isFresh(at: Date(), maxAge: settings.maxPriceAge)
        else { throw Failure.noPrice(symbol) }
        return try await database.transaction(logger: logger) { connection in
            guard let state = try await AccountSnapshot.lock(user: userID, on: connection, logger: logger)?.state else {
                throw Failure.noAccount
            }
            let account = state.account
            guard let position = state.positions.first(where: { $0.id == id }), let instrument = Instrument(symbol: position.symbol) else {
                throw Failure.notFound
            }
            var writes = AccountWrites(account: account)
            if account.venue.isExchange {
                // An exchange account closes with a market order there; the position closes when its fill is booked.
                let view = try await PositionExit.submitClose(
                    position, reference: quote.price, state: state, instrument: instrument, at: Date(), on: connection, logger: logger,
                    into: &writes)
                try await writes.flush(on: connection, logger: logger)
                return view
            }
            do {
                let closed = try PositionExit.close(
                    position, reason: .manual, reference: quote.price, state: state, instrument: instrument, at: Date(), into: &writes)
                try await writes.flush(on: connection, logger: logger)
                return closed
            } catch let shortfall as PositionExit.Shortfall {
                throw Failure.insufficientFunds(needed: shortfall.needed, available: shortfall.available, asset: shortfall.asset)
            }
        }
    }
}
