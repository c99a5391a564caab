import BallastCore
import Foundation
import Logging
import PostgresNIO

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
        clientOrderIDPrefix(reason) + position.id.uuidString.lowercased()
    }

    /// Why a position the fill of the order `clientOrderID` closes is closed: its owner's close (`close-…`, an exchange
    /// account's close is booked when the exchange reports its fill), else a signal's order.
    static func closeReason(ofOrder clientOrderID: String) -> CloseReason {
        clientOrderID.hasPrefix(clientOrderIDPrefix(.manual)) ? .manual : .signal
    }

    private static func clientOrderIDPrefix(_ reason: CloseReason) -> String { reason == .manual ? "close-" : "exit-" }

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

    /// An exchange account's owner closes `position`: a market order of its whole quantity goes to the exchange (its
    /// client order id `close-<position id>-<n>`, the n-th close asked for), unless one is still on its way. The position
    /// is returned as it stands: it closes when the exchange's fill is booked.
    static func submitClose(
        _ position: PositionRecord, reference: Decimal, state: AccountState, instrument: Instrument, at time: Date,
        on connection: PostgresConnection, logger: Logger, into writes: inout AccountWrites
    ) async throws -> PositionView {
        let prefix = clientOrderID(of: position, reason: .manual) + "-"
        var earlier = 0
        var pending = false
        for try await status in try await connection.query(
            "SELECT status FROM orders WHERE account_id = \(position.accountID) AND starts_with(client_order_id, \(prefix))", logger: logger
        ).decode(String.self) {
            earlier += 1
            if OrderStatus(rawValue: status)?.isOpen == true { pending = true }
        }
        let view = PositionView(position, status: "open", closeReason: nil)
        guard !pending else { return view }
        let account = state.account
        let side = position.state.side.closingSide
        var order = OrderRecord(
            id: UUID.random(), accountID: account.id, clientOrderID: prefix + String(earlier + 1), signalID: nil, symbol: position.symbol,
            side: side, type: .market, timeInForce: .ioc, limitPrice: nil, quantity: position.state.quantity, status: .new,
            reason: CloseReason.manual.rawValue, strategy: position.strategy, stopLoss: nil, takeProfit: nil, receivedAt: nil)
        try ExchangeOrderBooking.book(
            &order, expectedPrice: account.pricing.takerPrice(side, reference: reference), position: position, account: account,
            instrument: instrument, at: time, into: &writes)
        return view
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
