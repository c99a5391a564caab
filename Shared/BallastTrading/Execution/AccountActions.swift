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
            guard let account = try await PaperAccounts.lockAccount(of: userID, on: connection, logger: logger) else {
                throw Failure.noAccount
            }
            guard var order = try await OrderStore.order(id, account: account.id, on: connection, logger: logger) else {
                throw Failure.notFound
            }
            guard order.status.isOpen else { throw Failure.notOpen(order.status) }
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
        let symbol = try await database.withConnection { connection in
            let rows = try await connection.query(
                """
                SELECT p.symbol FROM positions p JOIN paper_accounts a ON a.id = p.account_id
                WHERE p.id = \(id) AND a.user_id = \(userID) AND p.status = 'open'
                """,
                logger: logger
            )
            for try await symbol in rows.decode(String.self) { return symbol }
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

/// Closes a position with a market order of its whole quantity, in the caller's transaction. The order is
/// `exit-<position id>` when a rule closes it and `close-<position id>` when its owner does, unique per
/// account, so an exit triggered twice (a redelivered trade) closes once.
enum PositionExit {
    /// Buying back a short needs cash the account no longer has (the price rose, or the cash was spent).
    struct Shortfall: Error {
        var needed: Decimal
        var available: Decimal
        var asset: String
    }

    static func clientOrderID(of position: PositionRecord, reason: CloseReason) -> String {
        (reason == .manual ? "close-" : "exit-") + position.id.uuidString.lowercased()
    }

    static func close(
        _ position: PositionRecord, reason: CloseReason, reference: Decimal, state: AccountState, instrument: Instrument, at time: Date,
        into writes: inout AccountWrites
    ) throws -> PositionView {
        let account = state.account
        let side = position.state.side.closingSide
        let price = account.pricing.takerPrice(side, reference: reference)
        let quantity = position.state.quantity
        if side == .buy {
            let needed = (quantity * price).rounded(.up) + account.pricing.fee(quantity: quantity, price: price, liquidity: .taker)
            let available = state.balances[instrument.quote]?.available ?? 0
            if needed > available { throw Shortfall(needed: needed, available: available, asset: instrument.quote) }
        }
        var order = OrderRecord(
            id: UUID.random(), accountID: account.id, clientOrderID: clientOrderID(of: position, reason: reason), signalID: nil,
            symbol: position.symbol, side: side, type: .market, timeInForce: .ioc, limitPrice: nil, quantity: quantity,
            status: .new, reason: reason.rawValue, strategy: position.strategy, stopLoss: nil, takeProfit: nil, receivedAt: nil
        )
        writes.publish(try TradingEvent.envelope(TradingEvent.orderCreated, userID: account.userID, at: time, data: OrderView(order)))
        let outcome = try FillBooking(account: account, instrument: instrument).book(
            quantity: quantity, price: price, liquidity: .taker, marketTradeID: nil, order: &order, position: position,
            closeReason: reason, at: time, into: &writes
        )
        writes.save(order, isNew: true)
        guard let closed = outcome.closed else { throw StoredValueError("closing position \(position.id) did not close it") }
        return PositionView(closed, status: "closed", closeReason: reason.rawValue)
    }

    /// An exit rule fired but the close cannot be paid for: the attempt is kept as a rejected order (its own
    /// client order id, `exit-failed-<order id>`, one per attempt), with `trade.failed`. The position stays
    /// open; the caller marks it (`exit_failed_at`) so the rule is tried again a minute later, or at once
    /// when a signal gives it new exit levels.
    static func recordFailure(
        _ position: PositionRecord, reason: CloseReason, shortfall: Shortfall, reference: Decimal, account: PaperAccount, at time: Date,
        into writes: inout AccountWrites
    ) throws {
        let side = position.state.side.closingSide
        let message =
            "\(reason.rawValue) exit needs \(shortfall.needed.plainText) \(shortfall.asset), "
            + "\(shortfall.available.plainText) is available"
        let orderID = UUID.random()
        let order = OrderRecord(
            id: orderID, accountID: account.id, clientOrderID: "exit-failed-\(orderID.uuidString.lowercased())", signalID: nil,
            symbol: position.symbol, side: side, type: .market, timeInForce: .ioc, limitPrice: nil, quantity: position.state.quantity,
            status: .rejected, reason: message, strategy: position.strategy, stopLoss: nil, takeProfit: nil, receivedAt: nil
        )
        writes.save(order, isNew: true)
        try TradeFailure.publish(
            order, quantity: position.state.quantity, price: account.pricing.takerPrice(side, reference: reference), position: position.id,
            reason: message, account: account, at: time, into: &writes)
    }
}
