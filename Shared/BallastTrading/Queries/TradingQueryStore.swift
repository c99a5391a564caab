import BallastCore
import Foundation
import Logging
import PostgresNIO

/// The reads behind ingest's trading API (`/api/v1/accounts`, `orders`, `positions`, `fills`, `risk-limits`):
/// one user's paper account and what it holds, as the JSON views. Read-only; every query is scoped to the
/// user through their account, so another user's rows are never found.
public struct TradingQueryStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// The paper account of `user` with its balances, or nil when the user has none.
    public func account(of user: UUID) async throws -> AccountView? {
        let rows = try await database.query(
            "SELECT \(unescaped: PaperAccount.columns), created_at FROM paper_accounts WHERE user_id = \(user) AND portfolio_id IS NULL AND experiment_id IS NULL",
            logger: logger)
        var found: (account: PaperAccount, createdAt: Date)?
        for try await row in rows {
            found = (PaperAccount(row: try row.decode(PaperAccount.Row.self)), try Self.cell(row, "created_at", Date.self))
        }
        guard let found else { return nil }
        let balances = try await database.query(
            "SELECT asset, available, locked FROM balances WHERE account_id = \(found.account.id) ORDER BY asset", logger: logger)
        var views: [AccountView.BalanceView] = []
        for try await (asset, available, locked) in balances.decode((String, Decimal, Decimal).self) {
            views.append(AccountView.BalanceView(Balance(asset: asset, available: available, locked: locked)))
        }
        return AccountView(found.account, balances: views, createdAt: found.createdAt)
    }

    /// The name of user `id` (for messages such as how to create an account).
    public func userName(_ id: UUID) async throws -> String? {
        let rows = try await database.query("SELECT name FROM users WHERE id = \(id)", logger: logger)
        var name: String?
        for try await value in rows.decode(String.self) { name = value }
        return name
    }

    /// The risk limits of `user`'s account (every limit off without a row), or nil when the user has no account.
    public func riskLimits(of user: UUID) async throws -> RiskLimits? {
        guard let account = try await accountID(of: user) else { return nil }
        return try await RiskLimitsStore.load(account: account, database: database, logger: logger)
    }

    /// `user`'s orders matching `filter`, newest first.
    public func orders(of user: UUID, matching filter: OrderFilter) async throws -> Page<OrderView> {
        guard let account = try await accountID(of: user) else { return Page(items: [], next: nil) }
        let statuses = filter.statuses?.map(\.rawValue)
        let rows = try await database.query(
            """
            SELECT \(unescaped: OrderRecord.columns), created_at, updated_at, \(unescaped: Self.cursorColumn("created_at")) FROM orders
            WHERE account_id = \(account)
              AND (\(statuses)::text[] IS NULL OR status = ANY(\(statuses)::text[]))
              AND (\(filter.symbol)::text IS NULL OR symbol = \(filter.symbol))
              AND (\(filter.after?.microseconds)::bigint IS NULL OR (created_at, id) < (
                  to_timestamp(0) + \(filter.after?.microseconds)::bigint::float8 * interval '1 microsecond', \(filter.after?.id)::uuid))
            ORDER BY created_at DESC, id DESC
            LIMIT \(filter.limit + 1)
            """,
            logger: logger
        )
        var items: [(OrderView, PageCursor)] = []
        for try await row in rows {
            let view = try Self.orderView(row)
            items.append((view, try Self.cursor(row, id: view.id)))
        }
        return Page(items, limit: filter.limit)
    }

    /// Order `id` of `user`.
    public func order(_ id: UUID, of user: UUID) async throws -> OrderView? {
        let rows = try await database.query(
            """
            SELECT \(unescaped: OrderRecord.columns), created_at, updated_at FROM orders
            WHERE id = \(id) AND account_id = (SELECT id FROM paper_accounts WHERE user_id = \(user) AND portfolio_id IS NULL AND experiment_id IS NULL)
            """,
            logger: logger
        )
        var found: OrderView?
        for try await row in rows { found = try Self.orderView(row) }
        return found
    }

    /// `user`'s positions matching `filter`, most recently opened first.
    public func positions(of user: UUID, matching filter: PositionFilter) async throws -> Page<PositionView> {
        guard let account = try await accountID(of: user) else { return Page(items: [], next: nil) }
        let rows = try await database.query(
            """
            SELECT \(unescaped: PositionRecord.columns), status, close_reason, opened_at, updated_at, closed_at,
                \(unescaped: Self.cursorColumn("opened_at"))
            FROM positions
            WHERE account_id = \(account)
              AND (\(filter.status?.rawValue)::text IS NULL OR status = \(filter.status?.rawValue))
              AND (\(filter.symbol)::text IS NULL OR symbol = \(filter.symbol))
              AND (\(filter.after?.microseconds)::bigint IS NULL OR (opened_at, id) < (
                  to_timestamp(0) + \(filter.after?.microseconds)::bigint::float8 * interval '1 microsecond', \(filter.after?.id)::uuid))
            ORDER BY opened_at DESC, id DESC
            LIMIT \(filter.limit + 1)
            """,
            logger: logger
        )
        var items: [(PositionView, PageCursor)] = []
        for try await row in rows {
            let view = try Self.positionView(row)
            items.append((view, try Self.cursor(row, id: view.id)))
        }
        return Page(items, limit: filter.limit)
    }

    /// Position `id` of `user`, open or closed.
    public func position(_ id: UUID, of user: UUID) async throws -> PositionView? {
        let rows = try await database.query(
            """
            SELECT \(unescaped: PositionRecord.columns), status, close_reason, opened_at, updated_at, closed_at FROM positions
            WHERE id = \(id) AND account_id = (SELECT id FROM paper_accounts WHERE user_id = \(user) AND portfolio_id IS NULL AND experiment_id IS NULL)
            """,
            logger: logger
        )
        var found: PositionView?
        for try await row in rows { found = try Self.positionView(row) }
        return found
    }

    /// `user`'s fills matching `filter`, newest first.
    public func fills(of user: UUID, matching filter: FillFilter) async throws -> Page<FillView> {
        guard let account = try await accountID(of: user) else { return Page(items: [], next: nil) }
        let rows = try await database.query(
            """
            SELECT \(unescaped: FillRecord.columns), \(unescaped: Self.cursorColumn("executed_at")) FROM fills
            WHERE account_id = \(account)
              AND (\(filter.symbol)::text IS NULL OR symbol = \(filter.symbol))
              AND (\(filter.orderID)::uuid IS NULL OR order_id = \(filter.orderID))
              AND (\(filter.after?.microseconds)::bigint IS NULL OR (executed_at, id) < (
                  to_timestamp(0) + \(filter.after?.microseconds)::bigint::float8 * interval '1 microsecond', \(filter.after?.id)::uuid))
            ORDER BY executed_at DESC, id DESC
            LIMIT \(filter.limit + 1)
            """,
            logger: logger
        )
        var items: [(FillView, PageCursor)] = []
        for try await row in rows {
            let fill = try FillRecord(row: try row.decode(FillRecord.Row.self))
            items.append((FillView(fill), try Self.cursor(row, id: fill.id)))
        }
        return Page(items, limit: filter.limit)
    }

    private func accountID(of user: UUID) async throws -> UUID? {
        let rows = try await database.query(
            "SELECT id FROM paper_accounts WHERE user_id = \(user) AND portfolio_id IS NULL AND experiment_id IS NULL", logger: logger)
        var id: UUID?
        for try await value in rows.decode(UUID.self) { id = value }
        return id
    }

    /// The sort time of a row in whole microseconds since 1970, exactly as stored (through a `Date` it could
    /// come back 1 µs off and repeat or skip a row); a cursor is compared as `to_timestamp(0)` plus that many µs.
    private static func cursorColumn(_ time: String) -> String {
        "(extract(epoch FROM \(time)) * 1000000)::bigint AS cursor_micros"
    }

    private static func cursor(_ row: PostgresRow, id: UUID) throws -> PageCursor {
        PageCursor(microseconds: try cell(row, "cursor_micros", Int64.self), id: id)
    }

    /// An order row with its `created_at` and `updated_at`, which only the API shows.
    private static func orderView(_ row: PostgresRow) throws -> OrderView {
        var view = OrderView(try OrderRecord(row: try row.decode(OrderRecord.Row.self)))
        view.createdAt = try cell(row, "created_at", Date.self)
        view.updatedAt = try cell(row, "updated_at", Date.self)
        return view
    }

    /// A position row with its `opened_at`, `updated_at` and `closed_at`, which only the API shows.
    private static func positionView(_ row: PostgresRow) throws -> PositionView {
        let position = try PositionRecord(row: try row.decode(PositionRecord.Row.self))
        var view = PositionView(
            position, status: try cell(row, "status", String.self), closeReason: try cell(row, "close_reason", String?.self))
        view.openedAt = try cell(row, "opened_at", Date.self)
        view.updatedAt = try cell(row, "updated_at", Date.self)
        view.closedAt = try cell(row, "closed_at", Date?.self)
        return view
    }

    private static func cell<Value: PostgresDecodable>(_ row: PostgresRow, _ column: String, _ type: Value.Type) throws -> Value {
        try row.makeRandomAccess()[column].decode(Value.self, context: .default)
    }
}
