import Foundation

/// Risk limits as JSON (`GET/PUT /api/v1/risk-limits`): amounts as exact decimal strings, limits that are
/// off left out.
public struct RiskLimitsView: Encodable, Sendable, Equatable {
    public var maxOpenPositions: Int?
    public var maxOpenPositionsPerSymbol: Int?
    public var maxOrderNotional: String?
    public var maxPositionPercentOfEquity: String?
    public var maxTotalExposure: String?
    public var minOrderNotional: String?
    public var defaultOrderNotional: String?
    public var tradingSessions: [TradingSession]
    public var maxOptionPremium: String?
    public var maxOptionContracts: String?

    public init(_ limits: RiskLimits) {
        maxOpenPositions = limits.maxOpenPositions
        maxOpenPositionsPerSymbol = limits.maxOpenPositionsPerSymbol
        maxOrderNotional = limits.maxOrderNotional?.plainText
        maxPositionPercentOfEquity = limits.maxPositionPercentOfEquity?.plainText
        maxTotalExposure = limits.maxTotalExposure?.plainText
        minOrderNotional = limits.minOrderNotional?.plainText
        defaultOrderNotional = limits.defaultOrderNotional?.plainText
        tradingSessions = limits.tradingSessions
        maxOptionPremium = limits.maxOptionPremium?.plainText
        maxOptionContracts = limits.maxOptionContracts?.plainText
    }
}
