import Foundation

/// An account's risk limits; a nil limit is off. Stored in `risk_limits`, read and written through
/// `GET/PUT /api/v1/risk-limits`.
public struct RiskLimits: Sendable, Equatable, Codable {
    public var maxOpenPositions: Int?
    public var maxOpenPositionsPerSymbol: Int?
    public var maxOrderNotional: Decimal?
    /// A position's notional after the order, as a percentage of the account's equity.
    public var maxPositionPercentOfEquity: Decimal?
    /// The sum of all positions' notionals after the order.
    public var maxTotalExposure: Decimal?
    public var minOrderNotional: Decimal?
    /// The notional, in the account's currency, of an order whose signal gives no quantity (the seed's signals
    /// with a `direction` alone, bridge alerts without one); nil: such a signal is rejected (`missing_quantity`).
    public var defaultOrderNotional: Decimal?
    /// Markets with trading hours; an exchange without a session trades around the clock.
    public var tradingSessions: [TradingSession]
    /// An option order's premium, in the account's currency (contracts × premium per contract).
    public var maxOptionPremium: Decimal?
    /// The contracts of one option position after the order.
    public var maxOptionContracts: Decimal?

    public init(
        maxOpenPositions: Int? = nil, maxOpenPositionsPerSymbol: Int? = nil, maxOrderNotional: Decimal? = nil,
        maxPositionPercentOfEquity: Decimal? = nil, maxTotalExposure: Decimal? = nil, minOrderNotional: Decimal? = nil,
        defaultOrderNotional: Decimal? = nil, tradingSessions: [TradingSession] = [], maxOptionPremium: Decimal? = nil,
        maxOptionContracts: Decimal? = nil
    ) {
        self.maxOpenPositions = maxOpenPositions
        self.maxOpenPositionsPerSymbol = maxOpenPositionsPerSymbol
        self.maxOrderNotional = maxOrderNotional
        self.maxPositionPercentOfEquity = maxPositionPercentOfEquity
        self.maxTotalExposure = maxTotalExposure
        self.minOrderNotional = minOrderNotional
        self.defaultOrderNotional = defaultOrderNotional
        self.tradingSessions = tradingSessions
        self.maxOptionPremium = maxOptionPremium
        self.maxOptionContracts = maxOptionContracts
    }

    /// Sessions that apply to orders on `exchange`.
    func sessions(for exchange: String?) -> [TradingSession] {
        guard let exchange else { return [] }
        return tradingSessions.filter { $0.exchange.caseInsensitiveCompare(exchange) == .orderedSame }
    }
}
