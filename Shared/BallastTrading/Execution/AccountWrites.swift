import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// The rows one account transaction writes, collected while its signals (or trades, or an owner's action)
/// are decided in memory, then written with one statement per table: a batch of signals costs the same
/// handful of round trips as one. Rows go to Postgres as one JSON array per table
/// (`json_populate_recordset`), amounts as decimal strings, so nothing passes through binary floating point.
struct AccountWrites {
    let account: PaperAccount
    private var orders: [UUID: (record: OrderRecord, isNew: Bool)] = [:]
    private var orderSequence: [UUID] = []
    private var fills: [FillRecord] = []
    private(set) var ledger: [LedgerEntry] = []
    private var positions: [UUID: (record: PositionRecord, isNew: Bool, closeReason: CloseReason?)] = [:]
    private var positionSequence: [UUID] = []
    private var decisions: [[String: String?]] = []
    private(set) var events: [Envelope] = []
    /// Orders of an exchange account, to be placed there once this transaction commits.
    private var exchangeOrders: [OrderRecord] = []
    /// Stored orders of an exchange account to be canceled there, asked for when these writes are written.
    private var exchangeCancels: [UUID] = []

    init(account: PaperAccount) { self.account = account }

    var isEmpty: Bool {
        orders.isEmpty && fills.isEmpty && ledger.isEmpty && positions.isEmpty && decisions.isEmpty && events.isEmpty
            && exchangeOrders.isEmpty && exchangeCancels.isEmpty
    }

    /// A new order (`isNew`) or the latest state of a stored one; the last call for an id wins.
    mutating func save(_ order: OrderRecord, isNew: Bool) {
        if let known = orders[order.id] {
            orders[order.id] = (order, known.isNew)
        } else {
            orders[order.id] = (order, isNew)
            orderSequence.append(order.id)
        }
    }

    /// The latest state of every order saved so far, in the order they were first saved.
    var savedOrders: [OrderRecord] { orderSequence.compactMap { orders[$0]?.record } }

    mutating func add(_ fill: FillRecord) { fills.append(fill) }

    mutating func post(_ entries: [LedgerEntry]) { ledger += entries }

    /// A new position, or the latest state of one (closed when `closeReason` is set).
    mutating func save(_ position: PositionRecord, isNew: Bool, closeReason: CloseReason? = nil) {
        if let known = positions[position.id] {
            positions[position.id] = (position, known.isNew, closeReason ?? known.closeReason)
        } else {
            positions[position.id] = (position, isNew, closeReason)
            positionSequence.append(position.id)
        }
    }

    /// Records the decision of `signal`, under `id` when it is not the signal's own (`SignalRouting.decisionID`).
    mutating func decide(_ signal: SignalDocument, id: UUID? = nil, status: String, orderID: UUID?, reasons: [RiskViolation]) throws {
        decisions.append([
            "signal_id": (id ?? signal.id).uuidString, "user_id": signal.userID.uuidString, "account_id": account.id.uuidString,
            "status": status, "reasons": String(decoding: try JSONCoding.encoder.encode(reasons), as: UTF8.self),
            "order_id": orderID?.uuidString, "received_at": RFC3339.string(from: signal.receivedAt),
        ])
    }

    mutating func publish(_ event: Envelope) { events.append(event) }

    /// Hands `order` (saved new in these writes) to `VenueOrderDispatcher`: a `venue_orders` row written with it.
    mutating func placeAtExchange(_ order: OrderRecord) { exchangeOrders.append(order) }

    /// Asks for the stored exchange orders `orders` to be canceled there (`ExchangeOrderStore.requestCancel`) when these
    /// writes are written: writes given up (a refused signal's, `SignalExecutor`) ask for nothing.
    mutating func cancelAtExchange(_ orders: [UUID]) { exchangeCancels += orders }

    /// Takes back those of `orders` handed to the exchange in these writes (not sent yet); returns their ids.
    mutating func withdrawFromExchange(_ orders: [UUID]) -> [UUID] {
        let withdrawn = exchangeOrders.filter { orders.contains($0.id) }.map(\.id)
        exchangeOrders.removeAll { withdrawn.contains($0.id) }
        return withdrawn
    }

    /// Writes everything with one call of `write_account_changes` (migration 11), which runs the inserts and
    /// updates in the order the constraints need. Fewer decisions inserted than made means another
    /// transaction decided a signal first, and this one must roll back.
    func flush(on connection: PostgresConnection, logger: Logger) async throws {
        let orderRows = orderSequence.compactMap { orders[$0] }
        let positionRows = positionSequence.compactMap { positions[$0] }
        let ordersNew = Self.json(orderRows.filter(\.isNew).map { Self.row($0.record) })
        let ordersChanged = Self.json(orderRows.filter { !$0.isNew }.map { Self.row($0.record) })
        let positionsChanged = Self.json(positionRows.filter { !$0.isNew }.map(Self.row))
        let positionsNew = Self.json(positionRows.filter(\.isNew).map(Self.row))
        let rows = try await connection.query(
            """
            SELECT write_account_changes(
                \(account.id), \(StreamName.events), \(ordersNew)::json, \(ordersChanged)::json, \(Self.json(fills.map(Self.row)))::json,
                \(Self.json(ledger.filter { $0.amount != 0 }.map(Self.row)))::json, \(positionsChanged)::json, \(positionsNew)::json,
                \(Self.json(decisions))::json, \(Self.json(events.map(Self.row)))::json)
            """,
            logger: logger
        )
        var inserted = 0
        for try await count in rows.decode(Int.self) { inserted = count }
        guard inserted == decisions.count else { throw DecidedMeanwhile() }
        if !exchangeOrders.isEmpty { try await writeExchangeOrders(on: connection, logger: logger) }
        if !exchangeCancels.isEmpty {
            _ = try await ExchangeOrderStore.requestCancel(exchangeCancels, account: account.id, on: connection, logger: logger)
        }
    }

    /// The exchange's client order id is the order's own when that is a UUID (a signal's id), else a UUID made from
    /// it (`md5`): Kraken takes a UUID or a short text as `cl_ord_id`, and a rebalance's ids are longer than that.
    private func writeExchangeOrders(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.execute(
            """
            INSERT INTO venue_orders (order_id, account_id, venue, client_order_id)
            SELECT o.id, \(account.id), \(account.venue.rawValue),
                CASE WHEN o.client ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN o.client
                    ELSE md5(o.client)::uuid::text END
            FROM unnest(\(exchangeOrders.map(\.id))::uuid[], \(exchangeOrders.map { $0.clientOrderID.lowercased() })::text[]) AS o (id, client)
            """,
            logger: logger)
    }

    // MARK: Rows as JSON

    private static func text(_ value: Decimal?) -> String? { value.map { "\($0)" } }
    private static func text(_ value: Date?) -> String? { value.map { RFC3339.string(from: $0) } }

    private static func row(_ order: OrderRecord) -> [String: String?] {
        [
            "id": order.id.uuidString, "account_id": order.accountID.uuidString, "client_order_id": order.clientOrderID,
            "signal_id": order.signalID?.uuidString, "symbol": order.symbol, "side": order.side.rawValue, "type": order.type.rawValue,
            "time_in_force": order.timeInForce.rawValue, "limit_price": text(order.limitPrice), "quantity": text(order.quantity),
            "filled_quantity": text(order.filledQuantity), "average_price": text(order.averagePrice), "fees": text(order.fees),
            "status": order.status.rawValue, "reason": order.reason, "strategy": order.strategy, "stop_loss": text(order.stopLoss),
            "take_profit": text(order.takeProfit), "trailing_stop_percent": text(order.trailingStopPercent),
            "expires_at": text(order.expiresAt), "locked_asset": order.lockedAsset,
            "locked_amount": text(order.lockedAmount), "received_at": text(order.receivedAt),
        ]
    }

    private static func row(_ fill: FillRecord) -> [String: String?] {
        [
            "id": fill.id.uuidString, "order_id": fill.orderID.uuidString, "account_id": fill.accountID.uuidString, "symbol": fill.symbol,
            "side": fill.side.rawValue, "price": text(fill.price), "quantity": text(fill.quantity), "fee": text(fill.fee),
            "fee_asset": fill.feeAsset, "liquidity": fill.liquidity.rawValue, "market_trade_id": fill.marketTradeID?.description,
        ]
    }

    private static func row(_ entry: (record: PositionRecord, isNew: Bool, closeReason: CloseReason?)) -> [String: String?] {
        let position = entry.record
        let mark = position.markPrice
        return [
            "id": position.id.uuidString, "account_id": position.accountID.uuidString, "symbol": position.symbol,
            "strategy": position.strategy, "side": position.state.side.rawValue, "quantity": text(position.state.quantity),
            "average_entry_price": text(position.state.averageEntryPrice), "realized_pnl": text(position.state.realizedPnL),
            "mark_price": text(mark), "unrealized_pnl": text(mark.map { position.state.unrealizedPnL(at: $0) } ?? 0),
            "stop_loss": text(position.stopLoss), "take_profit": text(position.takeProfit),
            "trailing_stop_percent": text(position.trailingStopPercent), "best_price": text(position.bestPrice),
            "status": entry.closeReason == nil ? "open" : "closed", "close_reason": entry.closeReason?.rawValue,
        ]
    }

    private static func row(_ entry: LedgerEntry) -> [String: String?] {
        [
            "asset": entry.asset, "bucket": entry.bucket.rawValue, "amount": text(entry.amount), "kind": entry.kind.rawValue,
            "order_id": entry.orderID?.uuidString, "fill_id": entry.fillID?.uuidString,
        ]
    }

    private static func row(_ event: Envelope) -> [String: String?] {
        [
            "message_id": event.id, "type": event.type, "version": String(event.version), "occurred_at": text(event.timestamp),
            "data": event.data, "trace": event.trace,
        ]
    }

    /// An array of flat objects, every value a string or null.
    private static func json(_ rows: [[String: String?]]) -> String {
        var text = "["
        for (index, row) in rows.enumerated() {
            text += index == 0 ? "{" : ",{"
            var first = true
            for (key, value) in row {
                if !first { text += "," }
                first = false
                text += "\"" + key + "\":"
                if let value { JSONValue.writeQuoted(value, to: &text) } else { text += "null" }
            }
            text += "}"
        }
        return text + "]"
    }
}

/// Another transaction decided one of the signals first (possible only without an account to lock): roll
/// back and decide again, one by one.
struct DecidedMeanwhile: Error {}
