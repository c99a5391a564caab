import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// What an exchange's answers change in an exchange account, each in one transaction under the account's lock: an
/// order refused (rejected, what it held released, `trade.failed`, the signal's decision or the rebalance run that
/// placed it told why), the fills and ends the exchange reports (booked with its prices and fees, each trade once by
/// `venue_fills`), and the balances it holds compared with the ledger (a difference reported, never corrected).
public struct ExchangeAccountBooking: Sendable {
    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// The exchange refused `order` (or it cannot be sent within the exchange's rules): `reason` says why.
    public func reject(_ order: ExchangeOrder, reason: String) async throws {
        let logger = self.logger
        try await database.transaction(logger: logger) { connection in
            guard let state = try await AccountSnapshot.lock(account: order.accountID, on: connection, logger: logger)?.state,
                var record = try await OrderStore.order(order.orderID, account: order.accountID, on: connection, logger: logger)
            else { return }
            let account = state.account
            var writes = AccountWrites(account: account)
            if record.status.isOpen, record.filledQuantity == 0 {
                let now = Date()
                try TradeFailure.publish(
                    record, quantity: record.quantity, price: record.limitPrice ?? 0, position: nil, reason: reason, account: account,
                    at: now, into: &writes)
                if let asset = record.lockedAsset, record.lockedAmount > 0 {
                    writes.post(LedgerEntry.move(record.lockedAmount, of: asset, locking: false, orderID: record.id))
                }
                record.lockedAmount = 0
                record.status = .rejected
                record.reason = reason
                writes.save(record, isNew: false)
                try await writes.flush(on: connection, logger: logger)
                try await Self.tellWhoPlaced(record, reason: reason, on: connection, logger: logger)
            }
            try await connection.execute(
                "UPDATE venue_orders SET state = 'done', last_error = \(reason), updated_at = now() WHERE order_id = \(order.orderID)",
                logger: logger)
        }
    }

    /// `order` was canceled before it was sent: it ends canceled, what it holds released, and is never sent.
    public func cancelUnsent(_ order: ExchangeOrder, reason: String) async throws {
        let logger = self.logger
        try await database.transaction(logger: logger) { connection in
            guard let state = try await AccountSnapshot.lock(account: order.accountID, on: connection, logger: logger)?.state,
                var record = try await OrderStore.order(order.orderID, account: order.accountID, on: connection, logger: logger)
            else { return }
            if record.status.isOpen {
                var writes = AccountWrites(account: state.account)
                try OrderRelease.end(&record, as: .canceled, reason: reason, account: state.account, at: Date(), into: &writes)
                try await writes.flush(on: connection, logger: logger)
            }
            try await connection.execute(
                "UPDATE venue_orders SET state = 'done', updated_at = now() WHERE order_id = \(order.orderID)", logger: logger)
        }
    }

    /// The signal decision that placed `order` becomes a rejection with the exchange's reason; a rebalance run that placed
    /// it (client order id `rb-<run>-<n>`) counts it failed and lists the reason.
    private static func tellWhoPlaced(_ order: OrderRecord, reason: String, on connection: PostgresConnection, logger: Logger) async throws
    {
        let reasons = String(
            decoding: try JSONCoding.encoder.encode([RiskViolation(rule: "venue_rejected", message: reason)]), as: UTF8.self)
        try await connection.execute(
            "UPDATE signal_decisions SET status = 'rejected', reasons = \(reasons)::jsonb WHERE order_id = \(order.id)", logger: logger)
        let client = order.clientOrderID
        guard client.hasPrefix("rb-"), client.count > 39, let run = UUID(uuidString: String(client.dropFirst(3).prefix(36))) else { return }
        try await connection.execute(
            """
            UPDATE rebalance_runs SET
                orders = (
                    SELECT coalesce(jsonb_agg(
                        CASE WHEN e ->> 'clientOrderId' = \(client)
                            THEN e || jsonb_build_object('status', 'rejected', 'reason', \(reason)::text) ELSE e END
                        ORDER BY n), '[]'::jsonb)
                    FROM jsonb_array_elements(orders) WITH ORDINALITY AS x (e, n)),
                errors = errors || jsonb_build_array(\(client) || ': ' || \(reason)),
                orders_executed = greatest(orders_executed - 1, 0), orders_failed = orders_failed + 1
            WHERE id = \(run)
            """,
            logger: logger)
    }

    /// Books what the exchange reported for `orders` (all of one account, each open there): `fills` not booked yet, and
    /// the end of each order that `states` says is done once its fills are all booked. Orders still open are looked at
    /// again from `checkAt`. Returns the number of fills booked.
    @discardableResult
    public func apply(
        _ orders: [ExchangeOrder], states: [VenueOrderState], fills: [VenueFill], checkAt: Date
    ) async throws -> Int {
        guard let accountID = orders.first?.accountID else { return 0 }
        let logger = self.logger
        return try await database.transaction(logger: logger) { connection in
            guard var state = try await AccountSnapshot.lock(account: accountID, on: connection, logger: logger)?.state else { return 0 }
            let account = state.account
            let reported = fills.map(\.tradeID)
            var alreadyBooked = Set<String>()
            for try await id in try await connection.query(
                "SELECT venue_trade_id FROM venue_fills WHERE account_id = \(accountID) AND venue_trade_id = ANY(\(reported))",
                logger: logger
            ).decode(String.self) { alreadyBooked.insert(id) }
            var writes = AccountWrites(account: account)
            var booked: [(trade: String, order: UUID, fill: UUID)] = []
            var finished: [UUID] = []
            for order in orders {
                guard let venueOrderID = order.venueOrderID,
                    var record = try await OrderStore.order(order.orderID, account: accountID, on: connection, logger: logger),
                    let instrument = Instrument(symbol: record.symbol)
                else { continue }
                let booking = FillBooking(account: account, instrument: instrument)
                for fill in fills.filter({ $0.venueOrderID == venueOrderID }).sorted(by: { $0.time < $1.time })
                where !alreadyBooked.contains(fill.tradeID) && record.status.isOpen {
                    let quantity = min(fill.quantity, record.remainingQuantity)
                    guard quantity > 0 else { continue }
                    let ledgerBefore = writes.ledger.count
                    let outcome = try booking.book(
                        quantity: quantity, price: fill.price, liquidity: fill.maker ? .maker : .taker, marketTradeID: nil,
                        order: &record, position: state.openPosition(symbol: record.symbol, strategy: record.strategy),
                        closeReason: PositionExit.closeReason(ofOrder: record.clientOrderID), fee: fill.fee,
                        cost: quantity == fill.quantity ? fill.cost : nil,
                        at: fill.time, into: &writes)
                    state.apply(outcome)
                    state.apply(Array(writes.ledger[ledgerBefore...]))
                    alreadyBooked.insert(fill.tradeID)
                    booked.append((fill.tradeID, record.id, outcome.fill.id))
                }
                if let report = states.first(where: { $0.venueOrderID == venueOrderID }), report.isDone, record.status.isOpen,
                    record.filledQuantity >= report.filledQuantity
                {
                    // Done at the exchange with every fill it reported booked: what the order still holds comes back.
                    let ledgerBefore = writes.ledger.count
                    let reason = report.reason ?? (report.status == .expired ? "expired at the exchange" : "canceled at the exchange")
                    try OrderRelease.end(
                        &record, as: report.status == .expired ? .expired : .canceled, reason: reason, account: account, at: Date(),
                        into: &writes)
                    state.apply(Array(writes.ledger[ledgerBefore...]))
                }
                if !record.status.isOpen { finished.append(record.id) }
                writes.save(record, isNew: false)
            }
            if !booked.isEmpty || !finished.isEmpty { try await writes.flush(on: connection, logger: logger) }
            if !booked.isEmpty {
                try await connection.execute(
                    """
                    INSERT INTO venue_fills (account_id, venue_trade_id, order_id, fill_id)
                    SELECT \(accountID), t, o, f FROM unnest(\(booked.map(\.trade))::text[], \(booked.map(\.order))::uuid[],
                        \(booked.map(\.fill))::uuid[]) AS x (t, o, f)
                    """,
                    logger: logger)
            }
            try await connection.execute(
                """
                UPDATE venue_orders SET state = CASE WHEN order_id = ANY(\(finished)) THEN 'done' ELSE state END,
                    next_attempt_at = \(checkAt), updated_at = now()
                WHERE order_id = ANY(\(orders.map(\.orderID)))
                """,
                logger: logger)
            return booked.count
        }
    }

    /// How many exchange trades account `accountID` has booked: read before the exchange is asked for its balances, and
    /// handed to `reconcile` with them.
    public func bookedFills(of accountID: UUID) async throws -> Int {
        try await database.withConnection { connection in
            try await Self.bookedFills(of: accountID, on: connection, logger: logger)
        }
    }

    private static func bookedFills(of accountID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        var count = 0
        for try await booked in try await connection.query(
            "SELECT count(*)::int FROM venue_fills WHERE account_id = \(accountID)", logger: logger
        ).decode(Int.self) { count = booked }
        return count
    }

    /// Compares `venueBalances` (the exchange's totals per asset) with account `accountID`'s ledger under its lock. Nil
    /// when the account has exchange orders not done yet (a fill on its way would show as a difference), or booked a
    /// trade since `bookedFills` (read before the balances were asked for: the ledger has a trade they may not): the
    /// check waits for the next run. Otherwise the differences found; each new or changed one is kept in
    /// `venue_balance_differences` and published as `balance.mismatch`, and one that went away is forgotten.
    public func reconcile(
        _ accountID: UUID, venueBalances: [String: Decimal], bookedFills: Int, at now: Date
    ) async throws -> [BalanceDifference]? {
        let logger = self.logger
        return try await database.transaction(logger: logger) { connection in
            guard let state = try await AccountSnapshot.lock(account: accountID, on: connection, logger: logger)?.state else { return [] }
            var busy = false
            for try await _ in try await connection.query(
                "SELECT 1 FROM venue_orders WHERE account_id = \(accountID) AND state <> 'done' LIMIT 1", logger: logger
            ).decode(Int.self) { busy = true }
            guard !busy, try await Self.bookedFills(of: accountID, on: connection, logger: logger) == bookedFills else { return nil }
            var known: [String: (venue: Decimal, ledger: Decimal)] = [:]
            for try await (asset, venue, ledger) in try await connection.query(
                "SELECT asset, venue_amount, ledger_amount FROM venue_balance_differences WHERE account_id = \(accountID)", logger: logger
            ).decode((String, Decimal, Decimal).self) { known[asset] = (venue, ledger) }
            var differences: [BalanceDifference] = []
            var changed: [BalanceDifference] = []
            for asset in Set(venueBalances.keys).union(state.balances.keys).sorted() {
                let ledger = state.balances[asset].map { $0.available + $0.locked } ?? 0
                let venue = venueBalances[asset] ?? 0
                guard venue != ledger else { continue }
                let difference = BalanceDifference(accountID: accountID, asset: asset, venueAmount: venue, ledgerAmount: ledger)
                differences.append(difference)
                if let seen = known[asset], seen.venue == venue, seen.ledger == ledger { continue }
                changed.append(difference)
            }
            try await connection.execute(
                """
                DELETE FROM venue_balance_differences
                WHERE account_id = \(accountID) AND NOT (asset = ANY(\(differences.map(\.asset))))
                """,
                logger: logger)
            guard !changed.isEmpty else { return differences }
            try await connection.execute(
                """
                INSERT INTO venue_balance_differences (account_id, asset, venue_amount, ledger_amount, first_seen_at, last_seen_at)
                SELECT \(accountID), a, v, l, \(now), \(now)
                FROM unnest(\(changed.map(\.asset))::text[], \(changed.map(\.venueAmount.plainText))::numeric[],
                    \(changed.map(\.ledgerAmount.plainText))::numeric[])
                    AS x (a, v, l)
                ON CONFLICT (account_id, asset) DO UPDATE
                SET venue_amount = excluded.venue_amount, ledger_amount = excluded.ledger_amount, last_seen_at = excluded.last_seen_at
                """,
                logger: logger)
            let events = try changed.map {
                try TradingEvent.envelope(TradingEvent.balanceMismatch, userID: state.account.userID, at: now, data: $0)
            }
            try await Outbox.enqueue(events, to: StreamName.events, on: connection, logger: logger)
            return differences
        }
    }
}
