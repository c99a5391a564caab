import BallastCore
import Foundation
import Logging
import PostgresNIO

/// Why a position closed (stored in `positions.close_reason`, sent in `position.closed`).
public enum CloseReason: String, Sendable {
    case signal
    /// Closed through `POST /api/v1/positions/{id}/close`.
    case manual
    case stopLoss = "stop_loss"
    case takeProfit = "take_profit"
    case trailingStop = "trailing_stop"
}

/// Writes everything one fill changes, in the caller's transaction (which holds the account's row lock):
/// the fill row, the ledger entries (cash, asset, fee, and the release of what the order had locked for
/// the part filled), the order's progress, and the (symbol, strategy) position. Returns the events to
/// enqueue with them.
struct FillBooking {
    let account: PaperAccount
    let instrument: Instrument
    let logger: Logger

    struct Outcome {
        var fill: FillRecord
        var events: [Envelope]
        /// The position of the order's (symbol, strategy) after the fill, nil when it closed.
        var position: PositionRecord?
        /// The position this fill closed (its final quantity 0), if any.
        var closed: PositionRecord?
    }

    func book(
        quantity: Decimal, price: Decimal, liquidity: Liquidity, marketTradeID: Int64?, order: inout OrderRecord,
        position: PositionRecord?, closeReason: CloseReason = .signal, at time: Date, on connection: PostgresConnection
    ) async throws -> Outcome {
        let fee = account.pricing.fee(quantity: quantity, price: price, liquidity: liquidity)
        let fill = FillRecord(
            id: UUID.random(), orderID: order.id, accountID: account.id, symbol: order.symbol, side: order.side, price: price,
            quantity: quantity, fee: fee, feeAsset: account.quoteCurrency, liquidity: liquidity, marketTradeID: marketTradeID,
            executedAt: time
        )
        try await connection.query(
            """
            INSERT INTO fills (id, order_id, account_id, symbol, side, price, quantity, fee, fee_asset, liquidity, market_trade_id, executed_at)
            VALUES (\(fill.id), \(fill.orderID), \(fill.accountID), \(fill.symbol), \(fill.side.rawValue), \(fill.price), \(fill.quantity),
                    \(fill.fee), \(fill.feeAsset), \(fill.liquidity.rawValue), \(fill.marketTradeID), clock_timestamp())
            """,
            logger: logger
        )
        order.record(fillOf: quantity, at: price, fee: fee)
        try await Ledger.post(ledgerEntries(for: fill, order: &order), account: account.id, on: connection, logger: logger)

        var events = [try TradingEvent.envelope(TradingEvent.tradeExecuted, userID: account.userID, at: time, data: FillView(fill))]
        if order.status == .filled {
            events.append(try TradingEvent.envelope(TradingEvent.orderFilled, userID: account.userID, at: time, data: OrderView(order)))
        }
        let change = PositionMath.apply(PositionFill(side: fill.side, quantity: quantity, price: price, fee: fee), to: position?.state)
        let result = try await apply(change, to: position, order: order, price: price, closeReason: closeReason, at: time, on: connection)
        events += result.events
        return Outcome(fill: fill, events: events, position: result.after, closed: result.closed)
    }

    /// Cash and asset move with the fill; a resting order's lock is released for the part filled (all of
    /// it once the order is done), so the fill is paid from available funds.
    private func ledgerEntries(for fill: FillRecord, order: inout OrderRecord) -> [LedgerEntry] {
        var entries: [LedgerEntry] = []
        if let lockedAsset = order.lockedAsset, order.lockedAmount > 0 {
            let release: Decimal
            if order.status == .filled {
                release = order.lockedAmount
            } else if lockedAsset == instrument.quote, let limit = order.limitPrice {
                release = min(order.lockedAmount, account.pricing.buyReservation(quantity: fill.quantity, price: limit))
            } else {
                release = min(order.lockedAmount, fill.quantity)
            }
            entries += LedgerEntry.move(release, of: lockedAsset, locking: false, orderID: order.id)
            order.lockedAmount -= release
        }
        let notional = (fill.quantity * fill.price).rounded(fill.side == .buy ? .up : .down)
        let sign: Decimal = fill.side == .buy ? 1 : -1
        entries.append(
            LedgerEntry(
                asset: instrument.quote, bucket: .available, amount: -sign * notional, kind: .trade, orderID: order.id, fillID: fill.id))
        entries.append(
            LedgerEntry(
                asset: instrument.base, bucket: .available, amount: sign * fill.quantity, kind: .trade, orderID: order.id, fillID: fill.id))
        entries.append(
            LedgerEntry(asset: fill.feeAsset, bucket: .available, amount: -fill.fee, kind: .fee, orderID: order.id, fillID: fill.id))
        return entries
    }

    private func apply(
        _ change: PositionChange, to position: PositionRecord?, order: OrderRecord, price: Decimal, closeReason: CloseReason, at time: Date,
        on connection: PostgresConnection
    ) async throws -> (after: PositionRecord?, closed: PositionRecord?, events: [Envelope]) {
        switch change {
        case .opened(let state):
            let opened = try await insertPosition(state, order: order, price: price, on: connection)
            return (opened, nil, [try event(TradingEvent.positionOpened, opened, status: "open", at: time)])
        case .increased(let state), .reduced(let state, _):
            guard var updated = position else { throw StoredValueError("a position changed that was not loaded") }
            updated.state = state
            updated.markPrice = price
            if case .increased = change {
                updated.stopLoss = order.stopLoss ?? updated.stopLoss
                updated.takeProfit = order.takeProfit ?? updated.takeProfit
            }
            try await connection.query(
                """
                UPDATE positions SET quantity = \(state.quantity), average_entry_price = \(state.averageEntryPrice),
                    realized_pnl = \(state.realizedPnL), mark_price = \(price), unrealized_pnl = \(state.unrealizedPnL(at: price)),
                    stop_loss = \(updated.stopLoss), take_profit = \(updated.takeProfit), updated_at = clock_timestamp()
                WHERE id = \(updated.id)
                """,
                logger: logger
            )
            return (updated, nil, [])
        case .closed(let state, _):
            guard let position else { throw StoredValueError("a position closed that was not loaded") }
            let closed = try await close(position, final: state, price: price, reason: closeReason, on: connection)
            return (nil, closed, [try event(TradingEvent.positionClosed, closed, status: "closed", reason: closeReason, at: time)])
        case .flipped(let closedState, _, let openedState):
            guard let position else { throw StoredValueError("a position flipped that was not loaded") }
            let closed = try await close(position, final: closedState, price: price, reason: closeReason, on: connection)
            let opened = try await insertPosition(openedState, order: order, price: price, on: connection)
            return (
                opened, closed,
                [
                    try event(TradingEvent.positionClosed, closed, status: "closed", reason: closeReason, at: time),
                    try event(TradingEvent.positionOpened, opened, status: "open", at: time),
                ]
            )
        }
    }

    private func insertPosition(
        _ state: PositionState, order: OrderRecord, price: Decimal, on connection: PostgresConnection
    ) async throws
        -> PositionRecord
    {
        let id = UUID.random()
        try await connection.query(
            """
            INSERT INTO positions (id, account_id, symbol, strategy, side, quantity, average_entry_price, realized_pnl, mark_price,
                unrealized_pnl, stop_loss, take_profit, best_price, status)
            VALUES (\(id), \(account.id), \(order.symbol), \(order.strategy), \(state.side.rawValue), \(state.quantity),
                \(state.averageEntryPrice), \(state.realizedPnL), \(price), 0, \(order.stopLoss), \(order.takeProfit), \(price), 'open')
            """,
            logger: logger
        )
        return try PositionRecord(
            row: (
                id, account.id, order.symbol, order.strategy, state.side.rawValue, state.quantity, state.averageEntryPrice,
                state.realizedPnL,
                price, order.stopLoss, order.takeProfit, nil, price
            )
        )
    }

    private func close(
        _ position: PositionRecord, final state: PositionState, price: Decimal, reason: CloseReason, on connection: PostgresConnection
    )
        async throws -> PositionRecord
    {
        try await connection.query(
            """
            UPDATE positions SET quantity = 0, realized_pnl = \(state.realizedPnL), mark_price = \(price), unrealized_pnl = 0,
                status = 'closed', close_reason = \(reason.rawValue), closed_at = clock_timestamp(), updated_at = clock_timestamp()
            WHERE id = \(position.id)
            """,
            logger: logger
        )
        var closed = position
        closed.state = state
        closed.markPrice = price
        return closed
    }

    private func event(
        _ type: String, _ position: PositionRecord, status: String, reason: CloseReason? = nil, at time: Date
    ) throws -> Envelope {
        try TradingEvent.envelope(
            type, userID: account.userID, at: time, data: PositionView(position, status: status, closeReason: reason?.rawValue))
    }
}
