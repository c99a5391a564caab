import BallastMarket

/// How a new portfolio gets its cash.
public enum PortfolioFunding: Sendable, Equatable {
    case none
    /// Paper cash created for it.
    case initialCash(FixedDecimal)
    /// Moved from the owner's signal trading account (same currency).
    case transfer(FixedDecimal)
    /// None: the portfolio trades the owner's signal trading account itself, all it holds. For an exchange account that
    /// is the exchange's whole balance, as a Kraken user's rebalancer keeps it.
    case tradingAccount
}
