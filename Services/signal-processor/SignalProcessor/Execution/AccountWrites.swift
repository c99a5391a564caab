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

    init(account: PaperAccount) { self.account = account }

    var isEmpty: Bool { orders.isEmpty && fills.isEmpty && ledger.isEmpty && positions.isEmpty && decisions.isEmpty && events.isEmpty }

    /// A new order (`isNew`) or the latest state of a stored one; the last call for an id wins.
    mutating func save(_ order: OrderRecord, isNew: Bool) {
        if let known = orders[order.id] {
            orders[order.id] = (order, known.isNew)
        } else {
            orders[order.id] = (order, isNew)
            orderSequence.append(order.id)
        }
    }

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

    mutating func decide(_ signal: SignalDocument, status: String, orderID: UUID?, reasons: [RiskViolation]) throws {
        decisions.append([
            "signal_id": signal.id.uuidString, "user_id": signal.userId.uuidString, "account_id": account.id.uuidString,
            "status": status, "reasons": String(decoding: try JSONCoding.encoder.encode(reasons), as: UTF8.self),
            "order_id": orderID?.uuidString, "received_at": RFC3339.string(from: signal.receivedAt),
        ])
    }

    mutating func publish(_ event: Envelope) { events.append(event) }

    /// Writes everything, in an order the constraints accept: orders before their fills, closed positions
    /// before the ones that take their (symbol, strategy), decisions last but one (a conflict there means
    /// another transaction decided a signal first, and this one must roll back), events last.
    func flush(on connection: PostgresConnection, logger: Logger) async throws {
        let newOrders = orderSequence.compactMap { orders[$0] }.filter(\.isNew).map(\.record)
        let changedOrders = orderSequence.compactMap { orders[$0] }.filter { !$0.isNew }.map(\.record)
        if !newOrders.isEmpty {
            try await connection.query(
                """
                INSERT INTO orders (\(unescaped: Self.orderColumns)) SELECT \(unescaped: Self.orderColumns)
                FROM json_populate_recordset(NULL::orders, \(try Self.json(newOrders.map(Self.row)))::json)
                """,
                logger: logger
            )
        }
        if !changedOrders.isEmpty {
            try await connection.query(
                """
                UPDATE orders o SET filled_quantity = n.filled_quantity, average_price = n.average_price, fees = n.fees, status = n.status,
                    reason = n.reason, locked_amount = n.locked_amount, updated_at = clock_timestamp()
                FROM json_populate_recordset(NULL::orders, \(try Self.json(changedOrders.map(Self.row)))::json) n
                WHERE o.id = n.id
                """,
                logger: logger
            )
        }
        if !fills.isEmpty {
            try await connection.query(
                """
                INSERT INTO fills (\(unescaped: Self.fillColumns)) SELECT \(unescaped: Self.fillColumns)
                FROM json_populate_recordset(NULL::fills, \(try Self.json(fills.map(Self.row)))::json)
                """,
                logger: logger
            )
        }
        try await Ledger.post(ledger, account: account.id, on: connection, logger: logger)
        let changedPositions = positionSequence.compactMap { positions[$0] }.filter { !$0.isNew }
        let newPositions = positionSequence.compactMap { positions[$0] }.filter(\.isNew)
        if !changedPositions.isEmpty {
            try await connection.query(
                """
                UPDATE positions p SET quantity = n.quantity, average_entry_price = n.average_entry_price, realized_pnl = n.realized_pnl,
                    mark_price = n.mark_price, unrealized_pnl = n.unrealized_pnl, stop_loss = n.stop_loss, take_profit = n.take_profit,
                    status = n.status, close_reason = n.close_reason,
                    closed_at = CASE WHEN n.status = 'closed' THEN clock_timestamp() END, updated_at = clock_timestamp()
                FROM json_populate_recordset(NULL::positions, \(try Self.json(changedPositions.map(Self.row)))::json) n
                WHERE p.id = n.id
                """,
                logger: logger
            )
        }
        if !newPositions.isEmpty {
            try await connection.query(
                """
                INSERT INTO positions (\(unescaped: Self.positionColumns), closed_at)
                SELECT \(unescaped: Self.positionColumns), CASE WHEN status = 'closed' THEN clock_timestamp() END
                FROM json_populate_recordset(NULL::positions, \(try Self.json(newPositions.map(Self.row)))::json)
                """,
                logger: logger
            )
        }
        if !decisions.isEmpty {
            let rows = try await connection.query(
                """
                INSERT INTO signal_decisions (signal_id, user_id, account_id, status, reasons, order_id, received_at)
                SELECT signal_id, user_id, account_id, status, reasons, order_id, received_at
                FROM json_populate_recordset(NULL::signal_decisions, \(try Self.json(decisions))::json)
                ON CONFLICT (signal_id) DO NOTHING
                RETURNING 1
                """,
                logger: logger
            )
            var inserted = 0
            for try await _ in rows.decode(Int.self) { inserted += 1 }
            guard inserted == decisions.count else { throw DecidedMeanwhile() }
        }
        try await Outbox.enqueue(events, to: StreamName.events, on: connection, logger: logger)
    }

    // MARK: Rows as JSON

    private static let orderColumns = """
        id, account_id, client_order_id, signal_id, symbol, side, type, time_in_force, limit_price, quantity, filled_quantity,
        average_price, fees, status, reason, strategy, stop_loss, take_profit, expires_at, locked_asset, locked_amount, received_at
        """
    private static let fillColumns = "id, order_id, account_id, symbol, side, price, quantity, fee, fee_asset, liquidity, market_trade_id"
    private static let positionColumns = """
        id, account_id, symbol, strategy, side, quantity, average_entry_price, realized_pnl, mark_price, unrealized_pnl, stop_loss,
        take_profit, trailing_stop_percent, best_price, status, close_reason
        """

    private static func text(_ value: Decimal?) -> String? { value.map { "\($0)" } }
    private static func text(_ value: Date?) -> String? { value.map { RFC3339.string(from: $0) } }

    private static func row(_ order: OrderRecord) -> [String: String?] {
        [
            "id": order.id.uuidString, "account_id": order.accountID.uuidString, "client_order_id": order.clientOrderID,
            "signal_id": order.signalID?.uuidString, "symbol": order.symbol, "side": order.side.rawValue, "type": order.type.rawValue,
            "time_in_force": order.timeInForce.rawValue, "limit_price": text(order.limitPrice), "quantity": text(order.quantity),
            "filled_quantity": text(order.filledQuantity), "average_price": text(order.averagePrice), "fees": text(order.fees),
            "status": order.status.rawValue, "reason": order.reason, "strategy": order.strategy, "stop_loss": text(order.stopLoss),
            "take_profit": text(order.takeProfit), "expires_at": text(order.expiresAt), "locked_asset": order.lockedAsset,
            "locked_amount": text(order.lockedAmount), "received_at": text(order.receivedAt),
        ]
    }

    private static func row(_ fill: FillRecord) -> [String: String?] {
        [
            "id": fill.id.uuidString, "order_id": fill.orderID.uuidString, "account_id": fill.accountID.uuidString, "symbol": fill.symbol,
            "side": fill.side.rawValue, "price": text(fill.price), "quantity": text(fill.quantity), "fee": text(fill.fee),
            "fee_asset": fill.feeAsset, "liquidity": fill.liquidity.rawValue, "market_trade_id": fill.marketTradeID.map { String($0) },
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

    private static func json(_ rows: [[String: String?]]) throws -> String {
        let objects: [[String: Any]] = rows.map { row in row.mapValues { $0.map { $0 as Any } ?? NSNull() } }
        return String(decoding: try JSONSerialization.data(withJSONObject: objects), as: UTF8.self)
    }
}

/// Another transaction decided one of the signals first (possible only without an account to lock): roll
/// back and decide again, one by one.
struct DecidedMeanwhile: Error {}
