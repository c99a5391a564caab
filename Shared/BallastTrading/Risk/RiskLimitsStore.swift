import BallastCore
import Foundation
import Logging
import PostgresNIO

/// Reads and writes `risk_limits`; an account without a row has every limit off.
public enum RiskLimitsStore {
    static func load(account: UUID, on connection: PostgresConnection, logger: Logger) async throws -> RiskLimits {
        let rows = try await connection.query(
            """
            SELECT max_open_positions, max_open_positions_per_symbol, max_order_notional, max_position_percent_of_equity,
                max_total_exposure, min_order_notional, default_order_notional, trading_sessions::text, max_option_premium,
                max_option_contracts
            FROM risk_limits WHERE account_id = \(account)
            """,
            logger: logger
        )
        let columns = (Int?, Int?, Decimal?, Decimal?, Decimal?, Decimal?, Decimal?, String, Decimal?, Decimal?).self
        for try await (
            openPositions, perSymbol, orderNotional, percent, exposure, minNotional, defaultNotional, sessions, optionPremium,
            optionContracts
        ) in rows.decode(columns) {
            return RiskLimits(
                maxOpenPositions: openPositions, maxOpenPositionsPerSymbol: perSymbol, maxOrderNotional: orderNotional,
                maxPositionPercentOfEquity: percent, maxTotalExposure: exposure, minOrderNotional: minNotional,
                defaultOrderNotional: defaultNotional,
                tradingSessions: try JSONCoding.decoder.decode([TradingSession].self, from: Data(sessions.utf8)),
                maxOptionPremium: optionPremium, maxOptionContracts: optionContracts
            )
        }
        return RiskLimits()
    }

    /// Replaces the limits of `account`.
    public static func save(_ limits: RiskLimits, account: UUID, database: PostgresClient, logger: Logger) async throws {
        try await database.withConnection { connection in try await save(limits, account: account, on: connection, logger: logger) }
    }

    /// Replaces the limits of `account`, in the caller's transaction.
    static func save(_ limits: RiskLimits, account: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        let sessions = String(decoding: try JSONCoding.encoder.encode(limits.tradingSessions), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO risk_limits (account_id, max_open_positions, max_open_positions_per_symbol, max_order_notional,
                max_position_percent_of_equity, max_total_exposure, min_order_notional, default_order_notional, trading_sessions,
                max_option_premium, max_option_contracts)
            VALUES (\(account), \(limits.maxOpenPositions), \(limits.maxOpenPositionsPerSymbol), \(limits.maxOrderNotional),
                \(limits.maxPositionPercentOfEquity), \(limits.maxTotalExposure), \(limits.minOrderNotional),
                \(limits.defaultOrderNotional), \(sessions)::jsonb, \(limits.maxOptionPremium), \(limits.maxOptionContracts))
            ON CONFLICT (account_id) DO UPDATE SET
                max_open_positions = EXCLUDED.max_open_positions, max_open_positions_per_symbol = EXCLUDED.max_open_positions_per_symbol,
                max_order_notional = EXCLUDED.max_order_notional, max_position_percent_of_equity = EXCLUDED.max_position_percent_of_equity,
                max_total_exposure = EXCLUDED.max_total_exposure, min_order_notional = EXCLUDED.min_order_notional,
                default_order_notional = EXCLUDED.default_order_notional, trading_sessions = EXCLUDED.trading_sessions,
                max_option_premium = EXCLUDED.max_option_premium, max_option_contracts = EXCLUDED.max_option_contracts, updated_at = now()
            """,
            logger: logger
        )
    }

    /// The limits of `account`, outside a transaction (the API).
    public static func load(account: UUID, database: PostgresClient, logger: Logger) async throws -> RiskLimits {
        try await database.withConnection { connection in try await load(account: account, on: connection, logger: logger) }
    }
}
