import BallastCore
import BallastMarket
import BallastPostgres
import BallastRedis
import Foundation
import Logging
import PostgresNIO

/// Reads `ballast:trades` in signal-processor's own group. Per batch and symbol, in trade order: resting
/// limit orders the trades cross fill (maker, at their limit, at most the trade's quantity each), positions
/// whose stop loss, take profit or trailing stop a trade crosses close at that trade's price, and open
/// positions are marked at the last price. Each order and each exit commits in its own transaction under
/// its account's lock; a redelivered trade finds its fill (`fills (order_id, market_trade_id)`) or the
/// position closed, and changes nothing.
public struct TradeWatcher: StreamMessageHandler {
    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Symbols are applied one after another, each on its own: a symbol whose trades cannot be applied fails
    /// only its own messages, and the other symbols' commits are reported as the successes they are. A trade
    /// repeated in the batch (a producer's retry) is applied once: `fills (order_id, market_trade_id)` would
    /// otherwise refuse the whole order's transaction.
    public func handle(_ messages: [StreamMessage]) async -> [Result<Void, any Error>] {
        var results = [Result<Void, any Error>](repeating: .success(()), count: messages.count)
        var trades: [String: [WatchedTrade]] = [:]
        var seen: Set<TradeKey> = []
        var messagesBySymbol: [String: [Int]] = [:]
        for (index, message) in messages.enumerated() {
            do {
                let trade = try TradeMessage.trade(from: message.envelope)
                messagesBySymbol[trade.symbol, default: []].append(index)
                guard seen.insert(TradeKey(symbol: trade.symbol, id: trade.id)).inserted else { continue }
                trades[trade.symbol, default: []].append(try WatchedTrade(trade))
            } catch {
                results[index] = .failure(error)
            }
        }
        for (symbol, symbolTrades) in trades.sorted(by: { $0.key < $1.key }) {
            let ordered = symbolTrades.sorted { $0.stamp < $1.stamp }
            // Each step runs whatever the one before it did: an order that cannot be filled must not keep the
            // symbol's stops from firing or its positions from being marked.
            var failure: (any Error)?
            for step in [fillRestingOrders, triggerExits, mark] {
                do {
                    try await step(symbol, ordered)
                } catch {
                    failure = failure ?? error
                }
            }
            if let error = failure {
                logger.warning(
                    "cannot apply market trades of a symbol; they will be delivered again",
                    metadata: ["symbol": .string(symbol), "error": .error(error)])
                for index in messagesBySymbol[symbol] ?? [] where (try? results[index].get()) != nil {
                    results[index] = .failure(error)
                }
            }
        }
        return results
    }

    /// A market trade's identity: a venue's trade ids are unique per symbol.
    private struct TradeKey: Hashable {
        var symbol: String
        var id: TradeID
    }

    // MARK: Resting limit orders

    private func fillRestingOrders(symbol: String, trades: [WatchedTrade]) async throws {
        guard let low = trades.map(\.price).min(), let high = trades.map(\.price).max() else { return }
        let candidates = try await OrderStore.crossedLimitOrders(symbol: symbol, low: low, high: high, database: database, logger: logger)
        // One order that cannot be filled does not hold back the others; the batch still fails, so it comes back.
        var firstFailure: (any Error)?
        for (orderID, accountID) in candidates {
            do {
                try await fill(orderID, account: accountID, with: trades)
            } catch {
                firstFailure = firstFailure ?? error
            }
        }
        if let firstFailure { throw firstFailure }
    }

    private func fill(_ orderID: UUID, account accountID: UUID, with trades: [WatchedTrade]) async throws {
        let logger = self.logger
        try await database.transaction(logger: logger) { connection in
            guard let state = try await AccountSnapshot.lock(account: accountID, on: connection, logger: logger)?.state,
                var order = try await OrderStore.order(orderID, account: accountID, on: connection, logger: logger), order.status.isOpen,
                let limit = order.limitPrice, let instrument = Instrument(symbol: order.symbol)
            else { return }
            let account = state.account
            let created = try await OrderStore.createdAt(of: orderID, on: connection, logger: logger)
            let seen = try await OrderStore.filledTrades(of: orderID, on: connection, logger: logger)
            var position = state.openPosition(symbol: order.symbol, strategy: order.strategy)
            let booking = FillBooking(account: account, instrument: instrument)
            var writes = AccountWrites(account: account)
            for trade in trades where order.status.isOpen && trade.time >= created && !seen.contains(trade.id.description) {
                let crosses = order.side == .buy ? trade.price <= limit : trade.price >= limit
                guard crosses else { continue }
                let quantity = min(order.remainingQuantity, trade.quantity)
                // A sell that rested against a long can outlive it (an exit closed it): filling it now would
                // open a short the account does not allow. The order ends instead, and says why.
                if order.side == .sell, !account.allowShort, quantity > (position?.signedQuantity ?? 0) {
                    try Self.fail(&order, quantity: quantity, price: limit, position: position, account: account, into: &writes)
                    break
                }
                let outcome = try booking.book(
                    quantity: quantity, price: limit, liquidity: .maker, marketTradeID: trade.id, order: &order, position: position,
                    at: Date(), into: &writes
                )
                position = outcome.position
            }
            guard !writes.isEmpty else { return }
            writes.save(order, isNew: false)
            try await writes.flush(on: connection, logger: logger)
        }
    }

    private static func fail(
        _ order: inout OrderRecord, quantity: Decimal, price: Decimal, position: PositionRecord?, account: PaperAccount,
        into writes: inout AccountWrites
    ) throws {
        let reason = "filling it would open a short position, which the account does not allow"
        try TradeFailure.publish(
            order, quantity: quantity, price: price, position: position?.id, reason: reason, account: account, at: Date(), into: &writes)
        try OrderRelease.end(&order, as: .canceled, reason: reason, account: account, at: Date(), into: &writes)
    }

    // MARK: Exits

    private func triggerExits(symbol: String, trades: [WatchedTrade]) async throws {
        var exits: [(position: UUID, account: UUID, reason: CloseReason, price: Decimal)] = []
        for (position, opened) in try await PositionStore.armedPositions(symbol: symbol, database: database, logger: logger) {
            let later = trades.filter { $0.time >= opened.epochMilliseconds }
            if let (reason, price) = ExitRules.firstTrigger(for: position, prices: later.map(\.price)) {
                exits.append((position.id, position.accountID, reason, price))
            }
        }
        let logger = self.logger
        var firstFailure: (any Error)?
        for exit in exits {
            do {
                try await close(exit, logger: logger)
            } catch {
                firstFailure = firstFailure ?? error
            }
        }
        if let firstFailure { throw firstFailure }
    }

    private func close(_ exit: (position: UUID, account: UUID, reason: CloseReason, price: Decimal), logger: Logger) async throws {
        try await database.transaction(logger: logger) { connection in
            guard let state = try await AccountSnapshot.lock(account: exit.account, on: connection, logger: logger)?.state else {
                return
            }
            let account = state.account
            // Closed meanwhile (a signal, the owner, an earlier delivery of this trade), or another instance
            // found it cannot be paid for: nothing to do.
            guard let position = state.positions.first(where: { $0.id == exit.position }),
                let instrument = Instrument(symbol: position.symbol),
                try await !PositionStore.exitFailedRecently(position.id, on: connection, logger: logger)
            else { return }
            var writes = AccountWrites(account: account)
            do {
                _ = try PositionExit.close(
                    position, reason: exit.reason, reference: exit.price, state: state, instrument: instrument, at: Date(),
                    into: &writes)
                logger.info(
                    "position closed by its exit rule",
                    metadata: ["position_id": "\(position.id)", "reason": "\(exit.reason.rawValue)"])
            } catch let shortfall as PositionExit.Shortfall {
                writes = AccountWrites(account: account)
                try PositionExit.recordFailure(
                    position, reason: exit.reason, shortfall: shortfall, reference: exit.price, account: account, at: Date(),
                    into: &writes)
                try await PositionStore.markExitFailed(position.id, on: connection, logger: logger)
                logger.warning(
                    "exit rule fired but the account cannot pay for the close",
                    metadata: ["position_id": "\(position.id)", "needed": "\(shortfall.needed)", "available": "\(shortfall.available)"])
            }
            try await writes.flush(on: connection, logger: logger)
        }
    }

    // MARK: Marks

    private func mark(symbol: String, trades: [WatchedTrade]) async throws {
        guard let last = trades.last?.price, let low = trades.map(\.price).min(), let high = trades.map(\.price).max() else { return }
        try await PositionStore.mark(symbol: symbol, last: last, low: low, high: high, database: database, logger: logger)
    }
}
