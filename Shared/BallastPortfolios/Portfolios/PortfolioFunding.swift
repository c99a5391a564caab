import BallastMarket

/// How a new portfolio gets its cash.
public enum PortfolioFunding: Sendable, Equatable {
    case none
    /// Paper cash created for it.
    case initialCash(FixedDecimal)
    /// Moved from the owner's signal trading account (same currency).
    case transfer(FixedDecimal)
}
