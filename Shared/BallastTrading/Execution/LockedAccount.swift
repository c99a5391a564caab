import BallastCore
import Foundation
import Logging
import PostgresNIO

/// A paper account locked for the caller's transaction, for programs that trade it directly (a portfolio's
/// rebalance): read its balances, place market orders at given prices, then `write` everything in the same
/// transaction as the caller's own rows. Fills are booked exactly as a signal's are (`FillBooking`, `AccountWrites`):
/// one ledger, the same events.
public struct LockedAccount {
    let connection: PostgresConnection
    let logger: Logger
    private var state: AccountState
    /// What is not written yet: a reference, so that `write` can empty it and a later `write` writes only what came
    /// after. (Copies of a `LockedAccount` share it.)
    private let unwritten: Unwritten
    private var placed: [String: MarketOrderResult] = [:]

    public var account: PaperAccount { state.account }
    public var balances: [String: Balance] { state.balances }

    /// Locks account `id` until the transaction on `connection` ends; nil when there is no such account.
    public static func lock(id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> LockedAccount? {
        try await AccountSnapshot.lock(account: id, on: connection, logger: logger).map {
            LockedAccount($0, on: connection, logger: logger)
        }
    }

    /// Locks the signal trading account of user `user` (not a portfolio's); nil when the user has none. A transaction
    /// that locks it and a portfolio's account locks this one first.
    public static func lockTradingAccount(of user: UUID, on connection: PostgresConnection, logger: Logger) async throws -> LockedAccount? {
        try await AccountSnapshot.lock(user: user, on: connection, logger: logger).map { LockedAccount($0, on: connection, logger: logger) }
    }

    private init(_ snapshot: AccountSnapshot, on connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
        state = snapshot.state
        unwritten = Unwritten(AccountWrites(account: snapshot.account))
    }

    /// Adds `amount` of `asset` to the available balance (negative: takes it away). Taking more than is available
    /// throws `PaperAccountStore.Failure.insufficientFunds`.
    public mutating func deposit(_ amount: Decimal, of asset: String) throws {
        let available = state.balances[asset]?.available ?? 0
        if amount < 0, available + amount < 0 { throw PaperAccountStore.Failure.insufficientFunds(asset: asset, available: available) }
        let entries = [LedgerEntry(asset: asset, bucket: .available, amount: amount, kind: .deposit)]
        unwritten.writes.post(entries)
        state.apply(entries)
    }

    /// Places `ticket` as a market order filled at once at `reference` with the account's slippage and taker fee (on an
    /// exchange account: sent to the exchange after the commit, `.submitted`).
    /// A buy the available cash cannot pay in full is filled for what it can pay (rounded down at
    /// `quantityDecimals`); a sell of more than is held sells what is held; nothing at all is a rejected order. A
    /// ticket whose client order id was placed before in this transaction returns that outcome and places nothing;
    /// one placed in an earlier transaction makes `write` fail on `orders (account_id, client_order_id)`.
    public mutating func placeMarketOrder(
        _ ticket: MarketOrderTicket, reference: Decimal, quantityDecimals: Int = 8, now: Date
    ) throws -> MarketOrderResult {
        if let known = placed[ticket.clientOrderID] { return known }
        guard let instrument = Instrument(symbol: ticket.symbol), instrument.quote == account.quoteCurrency else {
            return try reject(ticket, reason: "\(ticket.symbol) is not quoted in \(account.quoteCurrency)", now: now)
        }
        let pricing = account.pricing
        let price = pricing.takerPrice(ticket.side, reference: reference)
        guard price > 0 else {
            return try reject(ticket, reason: "no price above 0 to fill at (reference \(reference))", now: now)
        }
        var quantity = ticket.quantity
        switch ticket.side {
        case .sell:
            quantity = min(quantity, state.balances[instrument.base]?.available ?? 0)
            // Without short selling, a sell closes at most the long position of its strategy: selling more would open
            // a short position beside the asset still held.
            if !account.allowShort {
                let long = state.openPosition(symbol: ticket.symbol, strategy: ticket.strategy).map { max($0.signedQuantity, 0) } ?? 0
                quantity = min(quantity, long)
            }
        case .buy:
            let cash = state.balances[instrument.quote]?.available ?? 0
            if pricing.buyReservation(quantity: quantity, price: price) > cash {
                quantity = Self.largestAffordable(below: quantity, price: price, cash: cash, pricing: pricing, decimals: quantityDecimals)
            }
        }
        quantity = quantity.rounded(.down, places: quantityDecimals)
        guard quantity > 0 else {
            let what =
                ticket.side == .buy
                ? "no \(instrument.quote) available to buy with"
                : "no \(instrument.base) available to sell in a long position of strategy '\(ticket.strategy)'"
            return try reject(ticket, reason: what, now: now)
        }
        if ticket.side == .sell {
            // A sell so small its fee (rounded up) is more than its proceeds (rounded down) must not take cash below 0.
            let proceeds = (quantity * price).rounded(.down) - pricing.fee(quantity: quantity, price: price, liquidity: .taker)
            guard (state.balances[instrument.quote]?.available ?? 0) + proceeds >= 0 else {
                return try reject(ticket, reason: "its fee is more than its proceeds and the \(instrument.quote) available", now: now)
            }
        }
        var record = OrderRecord(
            id: UUID.random(), accountID: account.id, clientOrderID: ticket.clientOrderID, signalID: nil, symbol: ticket.symbol,
            side: ticket.side, type: .market, timeInForce: .ioc, limitPrice: nil, quantity: quantity, status: .new,
            reason: quantity < ticket.quantity ? "reduced from \(ticket.quantity) to what the account holds" : nil,
            strategy: ticket.strategy, stopLoss: nil, takeProfit: nil, receivedAt: now)
        if account.venue.isExchange { return try submit(record, ticket: ticket, expectedPrice: price, now: now) }
        unwritten.writes.publish(
            try TradingEvent.envelope(TradingEvent.orderCreated, userID: account.userID, at: now, data: OrderView(record)))
        let ledgerBefore = unwritten.writes.ledger.count
        let outcome = try FillBooking(account: account, instrument: instrument).book(
            quantity: quantity, price: price, liquidity: .taker, marketTradeID: nil, order: &record,
            position: state.openPosition(symbol: ticket.symbol, strategy: ticket.strategy), at: now, into: &unwritten.writes)
        state.apply(outcome)
        state.apply(Array(unwritten.writes.ledger[ledgerBefore...]))
        unwritten.writes.save(record, isNew: true)
        let notional = (quantity * price).rounded(ticket.side == .buy ? .up : .down)
        let result = MarketOrderResult(
            clientOrderID: ticket.clientOrderID, orderID: record.id, symbol: ticket.symbol, side: ticket.side, status: .filled,
            requestedQuantity: ticket.quantity, filledQuantity: quantity, price: price, fee: outcome.fill.fee,
            value: ticket.side == .buy ? notional + outcome.fill.fee : notional - outcome.fill.fee, reason: record.reason)
        placed[ticket.clientOrderID] = result
        return result
    }

    /// An exchange account's order: recorded and handed to the exchange (`ExchangeOrderBooking`), valued at `expectedPrice`
    /// until its fills are reported.
    private mutating func submit(
        _ order: OrderRecord, ticket: MarketOrderTicket, expectedPrice: Decimal, now: Date
    ) throws
        -> MarketOrderResult
    {
        var record = order
        guard let instrument = Instrument(symbol: record.symbol) else {
            return try reject(ticket, reason: "no market \(record.symbol)", now: now)
        }
        let ledgerBefore = unwritten.writes.ledger.count
        try ExchangeOrderBooking.book(
            &record, expectedPrice: expectedPrice, position: state.openPosition(symbol: ticket.symbol, strategy: ticket.strategy),
            account: account, instrument: instrument, at: now, into: &unwritten.writes)
        state.apply(Array(unwritten.writes.ledger[ledgerBefore...]))
        let notional = (record.quantity * expectedPrice).rounded(ticket.side == .buy ? .up : .down)
        let result = MarketOrderResult(
            clientOrderID: ticket.clientOrderID, orderID: record.id, symbol: ticket.symbol, side: ticket.side, status: .submitted,
            requestedQuantity: ticket.quantity, filledQuantity: 0, price: expectedPrice, fee: 0, value: notional, reason: record.reason)
        placed[ticket.clientOrderID] = result
        return result
    }

    /// The largest quantity under `limit`, in steps of `decimals`, whose notional and fee (each rounded up) `cash`
    /// pays: a binary search over the steps, since a step of a low-priced asset is worth almost nothing and the
    /// round-ups would take millions of steps to undo one at a time.
    static func largestAffordable(below limit: Decimal, price: Decimal, cash: Decimal, pricing: ExecutionPricing, decimals: Int) -> Decimal
    {
        let step = Decimal(sign: .plus, exponent: -decimals, significand: 1)
        let estimate = (cash / (price * (1 + .basisPoints(pricing.takerFeeBps)))).rounded(.down, places: decimals)
        var high = min(limit.rounded(.down, places: decimals), estimate) / step
        var low = Decimal(0)
        // `low` steps are affordable, `high + 1` are not (or exceed the limit).
        if pricing.buyReservation(quantity: high * step, price: price) <= cash { return high * step }
        high -= 1
        while low < high {
            let middle = ((low + high + 1) / 2).rounded(.down, places: 0)
            if pricing.buyReservation(quantity: middle * step, price: price) <= cash { low = middle } else { high = middle - 1 }
        }
        return low * step
    }

    /// Writes the orders, fills, ledger entries, positions and events since the last `write`, in the caller's transaction.
    public func write() async throws {
        guard !unwritten.writes.isEmpty else { return }
        try await unwritten.writes.flush(on: connection, logger: logger)
        unwritten.writes = AccountWrites(account: state.account)
    }

    /// Records the rejected order; one for no quantity at all has no order row (`orders.quantity` is above 0).
    private mutating func reject(_ ticket: MarketOrderTicket, reason: String, now: Date) throws -> MarketOrderResult {
        var orderID: UUID?
        if ticket.quantity > 0 {
            let record = OrderRecord(
                id: UUID.random(), accountID: account.id, clientOrderID: ticket.clientOrderID, signalID: nil, symbol: ticket.symbol,
                side: ticket.side, type: .market, timeInForce: .ioc, limitPrice: nil, quantity: ticket.quantity, status: .rejected,
                reason: reason, strategy: ticket.strategy, stopLoss: nil, takeProfit: nil, receivedAt: now)
            unwritten.writes.save(record, isNew: true)
            orderID = record.id
        }
        let result = MarketOrderResult(
            clientOrderID: ticket.clientOrderID, orderID: orderID, symbol: ticket.symbol, side: ticket.side, status: .rejected,
            requestedQuantity: ticket.quantity, filledQuantity: 0, price: nil, fee: 0, value: 0, reason: reason)
        placed[ticket.clientOrderID] = result
        return result
    }
}

private final class Unwritten {
    var writes: AccountWrites

    init(_ writes: AccountWrites) { self.writes = writes }
}
