import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// `venue_orders`, and what the exchange's answers change in the account: the state of each exchange order on its way
/// (`markSubmitting` is committed before the request leaves, so a crash after sending leaves it `submitting` and it is
/// looked up, not sent again), its rejection, and its fills and end, booked under the account's lock exactly as paper
/// fills are (`FillBooking`, `AccountWrites`) with the exchange's prices and fees. `venue_fills` makes a trade reported
/// twice change nothing.
public struct ExchangeOrderStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Accounts with exchange orders due at `now`, the longest waiting first.
    public func accountsWithWork(now: Date, limit: Int = 100) async throws -> [UUID] {
        let rows = try await database.query(
            """
            SELECT account_id FROM venue_orders
            WHERE state <> 'done' AND next_attempt_at <= \(now)
            GROUP BY account_id ORDER BY min(next_attempt_at) LIMIT \(limit)
            """,
            logger: logger)
        var accounts: [UUID] = []
        for try await account in rows.decode(UUID.self) { accounts.append(account) }
        return accounts
    }

    /// Every exchange account.
    public func exchangeAccounts() async throws -> [UUID] {
        let rows = try await database.query("SELECT id FROM paper_accounts WHERE venue <> 'paper' ORDER BY id", logger: logger)
        var accounts: [UUID] = []
        for try await account in rows.decode(UUID.self) { accounts.append(account) }
        return accounts
    }

    /// The exchange and the sealed credentials of account `account`; nil for a paper account or one without credentials.
    public func credentials(of account: UUID) async throws -> (venue: VenueKind, credentials: SealedCredentials)? {
        let rows = try await database.query(
            """
            SELECT a.venue, c.api_key_sealed, c.secret_sealed, c.key_hint
            FROM paper_accounts a JOIN venue_credentials c ON c.account_id = a.id
            WHERE a.id = \(account)
            """,
            logger: logger)
        for try await (venue, key, secret, hint) in rows.decode((String, ByteBuffer, ByteBuffer, String).self) {
            guard let kind = VenueKind(rawValue: venue), kind.isExchange else { return nil }
            return (kind, SealedCredentials(apiKey: Data(buffer: key), secret: Data(buffer: secret), keyHint: hint))
        }
        return nil
    }

    /// The exchange orders of `account` due at `now` (every one not done yet when `now` is nil), oldest first.
    public func unfinished(account: UUID, dueAt now: Date? = nil) async throws -> [ExchangeOrder] {
        let query: PostgresQuery = """
            SELECT v.order_id, v.account_id, v.venue, v.client_order_id, o.symbol, o.side, o.type, o.quantity, o.limit_price, o.time_in_force,
                o.filled_quantity,
                v.state, v.venue_order_id, v.cancel_requested, v.attempts, v.submitted_at, v.created_at
            FROM venue_orders v JOIN orders o ON o.id = v.order_id
            WHERE v.account_id = \(account) AND v.state <> 'done' AND (\(now)::timestamptz IS NULL OR v.next_attempt_at <= \(now))
            ORDER BY v.created_at, v.order_id
            """
        let rows = try await database.query(query, logger: logger)
        var orders: [ExchangeOrder] = []
        for try await row in rows.decode(
            (
                UUID, UUID, String, String, String, String, String, Decimal, Decimal?, String, Decimal, String, String?, Bool, Int, Date?,
                Date
            )
            .self)
        {
            let (
                id, account, venue, client, symbol, side, type, quantity, limit, timeInForce, filled, state, venueID, cancel, attempts,
                submitted, created
            ) = row
            guard let venue = VenueKind(rawValue: venue), let side = OrderSide(rawValue: side), let type = OrderType(rawValue: type),
                let state = ExchangeOrder.State(rawValue: state), let timeInForce = TimeInForce(rawValue: timeInForce)
            else {
                throw StoredValueError(
                    "venue_orders row \(id) has venue '\(venue)', side '\(side)', type '\(type)', state '\(state)' or time in force '\(timeInForce)'"
                )
            }
            orders.append(
                ExchangeOrder(
                    orderID: id, accountID: account, venue: venue, clientOrderID: client, symbol: symbol, side: side, type: type,
                    quantity: quantity, filledQuantity: filled, limitPrice: limit, timeInForce: timeInForce, state: state,
                    venueOrderID: venueID,
                    cancelRequested: cancel,
                    attempts: attempts, submittedAt: submitted, createdAt: created))
        }
        return orders
    }

    /// Records that `order` is about to be sent with `quantity` (its quantity within the exchange's lot size), and when to
    /// look again if no answer is recorded by then; committed before the request leaves. False when the order is no
    /// longer as `order` read it (another instance, whose account lock this one outlived, worked it meanwhile) or a
    /// cancel was asked for since: the Redis lock bounds overlap, this is the fence.
    public func markSubmitting(_ order: ExchangeOrder, quantity: Decimal, retryAt: Date) async throws -> Bool {
        let logger = self.logger
        return try await database.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                UPDATE venue_orders SET state = 'submitting', attempts = attempts + 1, submitted_at = now(), next_attempt_at = \(retryAt),
                    updated_at = now()
                WHERE order_id = \(order.orderID) AND state = \(order.state.rawValue) AND attempts = \(order.attempts)
                    AND NOT cancel_requested
                RETURNING 1
                """,
                logger: logger)
            var marked = false
            for try await _ in rows.decode(Int.self) { marked = true }
            if marked, quantity != order.quantity {
                try await connection.execute(
                    "UPDATE orders SET quantity = \(quantity), updated_at = now() WHERE id = \(order.orderID) AND filled_quantity = 0",
                    logger: logger)
            }
            return marked
        }
    }

    /// The exchange has `order` as `venueOrderID`; its fills are looked for from `checkAt`.
    public func markOpen(_ order: ExchangeOrder, venueOrderID: String, checkAt: Date) async throws {
        try await database.withConnection { connection in
            try await connection.execute(
                """
                UPDATE venue_orders SET state = 'open', venue_order_id = \(venueOrderID), next_attempt_at = \(checkAt), last_error = NULL,
                    updated_at = now()
                WHERE order_id = \(order.orderID) AND state <> 'done'
                """,
                logger: logger)
        }
    }

    /// Looks at `order` again at `time`, in `state` (`pending` when the exchange certainly did not take it, `submitting`
    /// when it may have), remembering `error`.
    public func retry(_ order: ExchangeOrder, as state: ExchangeOrder.State, error: String, at time: Date) async throws {
        try await database.withConnection { connection in
            try await connection.execute(
                """
                UPDATE venue_orders SET state = \(state.rawValue), last_error = \(error), next_attempt_at = \(time), updated_at = now()
                WHERE order_id = \(order.orderID) AND state <> 'done'
                """,
                logger: logger)
        }
    }

    /// Asks for the open exchange orders `orders` of `account` to be canceled there; the dispatcher sends the cancel and
    /// books the end when the exchange reports it. Returns the orders asked for.
    public static func requestCancel(
        _ orders: [UUID], account: UUID, on connection: PostgresConnection, logger: Logger
    ) async throws -> [UUID] {
        let rows = try await connection.query(
            """
            UPDATE venue_orders SET cancel_requested = true, next_attempt_at = now(), updated_at = now()
            WHERE account_id = \(account) AND order_id = ANY(\(orders)) AND state <> 'done'
            RETURNING order_id
            """,
            logger: logger)
        var asked: [UUID] = []
        for try await id in rows.decode(UUID.self) { asked.append(id) }
        return asked
    }
}
