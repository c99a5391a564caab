import BallastMarket
import Foundation

/// A portfolio (the seeds' "index"): target weights over assets, how and when it rebalances, and the paper account
/// that holds its cash and assets, apart from the owner's signal trading.
public struct Portfolio: Sendable, Equatable {
    public var id: UUID
    public var userID: UUID
    public var accountID: UUID
    public var settings: PortfolioSettings
    public var paused: Bool
    /// The drift monitor's last finding: drift is reported once when this turns true, not on every scan.
    public var overThreshold: Bool
    public var lastRebalancedAt: Date?
    /// The schedule's next time for a scheduled or hybrid portfolio; nil otherwise.
    public var nextRebalanceAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public var name: String { settings.name }
    public var quoteCurrency: String { settings.quoteCurrency }

    /// The market symbol `asset` trades on in this portfolio.
    public func symbol(of asset: String) -> String { "\(asset)-\(settings.quoteCurrency)" }
}
