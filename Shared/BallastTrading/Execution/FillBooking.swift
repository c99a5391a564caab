import BallastCore
import BallastMarket
import Foundation

/// Books everything one fill changes into the transaction's `AccountWrites` (the transaction holds the
/// account's row lock): the fill, the ledger entries (cash, asset, fee, and the release of what the order
/// had locked for the part filled), the order's progress, the (symbol, strategy) position, and the events.
struct FillBooking {
    let account: PaperAccount
    let instrument: Instrument

    struct Outcome {
        var fill: FillRecord
        /// The position of the order's (symbol, strategy) after the fill, nil when it closed.
        var position: PositionRecord?
        /// The position this fill closed (its final quantity 0), if any.
        var closed: PositionRecord?
    }

    func book(
        quantity: Decimal, price: Decimal, liquidity: Liquidity, marketTradeID: TradeID?, order: inout OrderRecord,
        position: PositionRecord?, closeReason: CloseReason = .signal, fee exchangeFee: Decimal? = nil, cost exchangeCost: Decimal? = nil,
        at time: Date, into writes: inout AccountWrites
    ) throws -> Outcome {
        // An exchange's fill carries the fee it charged; a paper fill is charged the account's own.
        let fee = exchangeFee ?? account.pricing.fee(quantity: quantity, price: price, liquidity: liquidity)
        let fill = FillRecord(
            id: UUID.random(), orderID: order.id, accountID: account.id, symbol: order.symbol, side: order.side, price: price,
            quantity: quantity, fee: fee, feeAsset: account.quoteCurrency, liquidity: liquidity, marketTradeID: marketTradeID,
            executedAt: time
        )
        writes.add(fill)
        order.record(fillOf: quantity, at: price, fee: fee)
        writes.post(ledgerEntries(for: fill, cost: exchangeCost, order: &order))
        writes.publish(try TradingEvent.envelope(TradingEvent.tradeExecuted, userID: account.userID, at: time, data: FillView(fill)))
        if order.status == .filled {
            writes.publish(try TradingEvent.envelope(TradingEvent.orderFilled, userID: account.userID, at: time, data: OrderView(order)))
        }
        let change = PositionMath.apply(PositionFill(side: fill.side, quantity: quantity, price: price, fee: fee), to: position?.state)
        let (after, closed) = try apply(change, to: position, order: order, price: price, closeReason: closeReason, at: time, into: &writes)
        return Outcome(fill: fill, position: after, closed: closed)
    }

    /// Cash and asset move with the fill; a resting order's lock is released for the part filled (all of
    /// it once the order is done), so the fill is paid from available funds.
    private func ledgerEntries(for fill: FillRecord, cost: Decimal?, order: inout OrderRecord) -> [LedgerEntry] {
        var entries: [LedgerEntry] = []
        if let lockedAsset = order.lockedAsset, order.lockedAmount > 0 {
            let release: Decimal
            if order.status == .filled {
                release = order.lockedAmount
            } else if lockedAsset == instrument.quote, let limit = order.limitPrice {
                release = min(order.lockedAmount, account.pricing.buyReservation(quantity: fill.quantity, price: limit))
            } else if lockedAsset == instrument.quote {
                // An exchange's market buy locked cash at its expected price: released in proportion to the part filled.
                let remainingBefore = order.remainingQuantity + fill.quantity
                release = min(order.lockedAmount, (order.lockedAmount * fill.quantity / remainingBefore).rounded(.up))
            } else {
                release = min(order.lockedAmount, fill.quantity)
            }
            entries += LedgerEntry.move(release, of: lockedAsset, locking: false, orderID: order.id)
            order.lockedAmount -= release
        }
        // An exchange's fill moves the cash the exchange says it moved.
        let notional = cost ?? (fill.quantity * fill.price).rounded(fill.side == .buy ? .up : .down)
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
        into writes: inout AccountWrites
    ) throws -> (after: PositionRecord?, closed: PositionRecord?) {
        switch change {
        case .opened(let state):
            let opened = newPosition(state, order: order, price: price)
            writes.save(opened, isNew: true)
            writes.publish(try event(TradingEvent.positionOpened, opened, status: "open", at: time))
            return (opened, nil)
        case .increased(let state), .reduced(let state, _):
            guard var updated = position else { throw StoredValueError("a position changed that was not loaded") }
            updated.state = state
            updated.markPrice = price
            if case .increased = change {
                updated.stopLoss = order.stopLoss ?? updated.stopLoss
                updated.takeProfit = order.takeProfit ?? updated.takeProfit
                if let trailing = order.trailingStopPercent, trailing != updated.trailingStopPercent {
                    // A new trail starts from this fill, not from the best price of the position's past.
                    updated.trailingStopPercent = trailing
                    updated.bestPrice = price
                }
            }
            writes.save(updated, isNew: false)
            return (updated, nil)
        case .closed(let state, _):
            guard let position else { throw StoredValueError("a position closed that was not loaded") }
            let closed = close(position, final: state, price: price, reason: closeReason, into: &writes)
            writes.publish(try event(TradingEvent.positionClosed, closed, status: "closed", reason: closeReason, at: time))
            return (nil, closed)
        case .flipped(let closedState, _, let openedState):
            guard let position else { throw StoredValueError("a position flipped that was not loaded") }
            let closed = close(position, final: closedState, price: price, reason: closeReason, into: &writes)
            let opened = newPosition(openedState, order: order, price: price)
            writes.save(opened, isNew: true)
            writes.publish(try event(TradingEvent.positionClosed, closed, status: "closed", reason: closeReason, at: time))
            writes.publish(try event(TradingEvent.positionOpened, opened, status: "open", at: time))
            return (opened, closed)
        }
    }

    private func newPosition(_ state: PositionState, order: OrderRecord, price: Decimal) -> PositionRecord {
        PositionRecord(
            id: UUID.random(), accountID: account.id, symbol: order.symbol, strategy: order.strategy, state: state, markPrice: price,
            stopLoss: order.stopLoss, takeProfit: order.takeProfit, trailingStopPercent: order.trailingStopPercent, bestPrice: price
        )
    }

    private func close(
        _ position: PositionRecord, final state: PositionState, price: Decimal, reason: CloseReason, into writes: inout AccountWrites
    ) -> PositionRecord {
        var closed = position
        closed.state = state
        closed.markPrice = price
        writes.save(closed, isNew: false, closeReason: reason)
        return closed
    }

    private func event(
        _ type: String, _ position: PositionRecord, status: String, reason: CloseReason? = nil, at time: Date
    ) throws -> Envelope {
        try TradingEvent.envelope(
            type, userID: account.userID, at: time, data: PositionView(position, status: status, closeReason: reason?.rawValue))
    }
}
