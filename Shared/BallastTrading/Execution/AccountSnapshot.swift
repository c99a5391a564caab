import BallastCore
import Foundation
import Logging
import PostgresNIO

/// A paper account, locked for the caller's transaction, and everything decided against it: its balances
/// and open positions, its risk limits, which of the given signals are already decided and which of the
/// given symbols market-data knows. The lock and the five reads are one round trip (`lock_account_snapshot`,
/// migration 14), so that a batch of signals spends one round trip on them, not six (docs/performance.md).
struct AccountSnapshot {
    var state: AccountState
    var limits: RiskLimits
    var decided: Set<UUID>
    var knownSymbols: Set<String>

    var account: PaperAccount { state.account }

    /// Locks the account of user `user`; nil when the user has none.
    static func lock(
        user: UUID, signals: [UUID] = [], symbols: [String] = [], on connection: PostgresConnection, logger: Logger
    ) async throws -> AccountSnapshot? {
        try await lock(user: user, account: nil, signals: signals, symbols: symbols, on: connection, logger: logger)
    }

    /// Locks account `account`; nil when it does not exist.
    static func lock(
        account: UUID, signals: [UUID] = [], symbols: [String] = [], on connection: PostgresConnection, logger: Logger
    ) async throws -> AccountSnapshot? {
        try await lock(user: nil, account: account, signals: signals, symbols: symbols, on: connection, logger: logger)
    }

    private static func lock(
        user: UUID?, account: UUID?, signals: [UUID], symbols: [String], on connection: PostgresConnection, logger: Logger
    ) async throws -> AccountSnapshot? {
        let rows = try await connection.query(
            "SELECT * FROM lock_account_snapshot(\(user), \(account), \(signals)::uuid[], \(symbols)::text[])", logger: logger)
        var snapshot: AccountSnapshot?
        for try await (
            id, userID, currency, allowShort, takerFee, makerFee, slippage, trustPrice, venue, decided, known, balances, positions,
            limits
        )
            in rows.decode(
                (UUID, UUID, String, Bool, Decimal, Decimal, Decimal, Bool, String, [UUID], [String], String?, String?, String?).self)
        {
            let account = PaperAccount(row: (id, userID, currency, allowShort, takerFee, makerFee, slippage, trustPrice, venue))
            snapshot = AccountSnapshot(
                state: AccountState(
                    account: account, balances: try Self.balances(balances), positions: try Self.positions(positions, account: id)),
                limits: try Self.limits(limits), decided: Set(decided), knownSymbols: Set(known)
            )
        }
        return snapshot
    }

    private static func balances(_ text: String?) throws -> [String: Balance] {
        var balances: [String: Balance] = [:]
        for row in try rows(text) {
            let asset = try row.string(0)
            balances[asset] = Balance(asset: asset, available: try row.decimal(1), locked: try row.decimal(2))
        }
        return balances
    }

    private static func positions(_ text: String?, account: UUID) throws -> [PositionRecord] {
        try rows(text).map { row in
            guard let id = UUID(uuidString: try row.string(0)), let side = PositionSide(rawValue: try row.string(3)) else {
                throw StoredValueError("an open position could not be read: \(row.values)")
            }
            return PositionRecord(
                id: id, accountID: account, symbol: try row.string(1), strategy: try row.string(2),
                state: PositionState(
                    side: side, quantity: try row.decimal(4), averageEntryPrice: try row.decimal(5), realizedPnL: try row.decimal(6)),
                markPrice: try row.optionalDecimal(7), stopLoss: try row.optionalDecimal(8), takeProfit: try row.optionalDecimal(9),
                trailingStopPercent: try row.optionalDecimal(10), bestPrice: try row.optionalDecimal(11)
            )
        }
    }

    private static func limits(_ text: String?) throws -> RiskLimits {
        guard let text else { return RiskLimits() }
        let row = try JSONRow(parsing: text)
        return RiskLimits(
            maxOpenPositions: try row.optionalInt(0), maxOpenPositionsPerSymbol: try row.optionalInt(1),
            maxOrderNotional: try row.optionalDecimal(2), maxPositionPercentOfEquity: try row.optionalDecimal(3),
            maxTotalExposure: try row.optionalDecimal(4), minOrderNotional: try row.optionalDecimal(5),
            defaultOrderNotional: try row.optionalDecimal(7),
            tradingSessions: try JSONCoding.decoder.decode([TradingSession].self, from: Data(row.values[6].serialized.utf8)),
            maxOptionPremium: try row.optionalDecimal(8), maxOptionContracts: try row.optionalDecimal(9)
        )
    }

    private static func rows(_ text: String?) throws -> [JSONRow] {
        guard let text else { return [] }
        guard case .array(let rows) = try JSONValue(parsing: text.utf8) else { throw StoredValueError("not a JSON array: \(text)") }
        return try rows.map { try JSONRow($0) }
    }
}

/// One row of the snapshot as a JSON array of column values.
private struct JSONRow {
    let values: [JSONValue]

    init(_ value: JSONValue) throws {
        guard case .array(let values) = value else { throw StoredValueError("not a JSON row: \(value.serialized)") }
        self.values = values
    }

    init(parsing text: String) throws { try self.init(JSONValue(parsing: text.utf8)) }

    func string(_ column: Int) throws -> String {
        guard column < values.count, case .string(let text) = values[column] else {
            throw StoredValueError("column \(column) of \(JSONValue.array(values).serialized) is not text")
        }
        return text
    }

    func decimal(_ column: Int) throws -> Decimal {
        guard let value = try optionalDecimal(column) else {
            throw StoredValueError("column \(column) of \(JSONValue.array(values).serialized) is null")
        }
        return value
    }

    func optionalDecimal(_ column: Int) throws -> Decimal? {
        if column < values.count, case .null = values[column] { return nil }
        let text = try string(column)
        guard let value = ExactDecimal.parse(text) else { throw StoredValueError("'\(text)' is not a decimal") }
        return value
    }

    func optionalInt(_ column: Int) throws -> Int? {
        guard column < values.count else { return nil }
        switch values[column] {
        case .null: return nil
        case .number(let text):
            guard let value = Int(text) else { throw StoredValueError("'\(text)' is not an integer") }
            return value
        default: throw StoredValueError("column \(column) of \(JSONValue.array(values).serialized) is not a number")
        }
    }
}
