import BallastCore
import Foundation

/// Which orders `TradingQueryStore.orders` lists.
public struct OrderFilter: Sendable, Equatable {
    /// Only orders in one of these statuses; nil: any.
    public var statuses: [OrderStatus]?
    public var symbol: String?
    public var limit: Int
    /// Continue after this row of a previous page.
    public var after: PageCursor?

    public init(statuses: [OrderStatus]? = nil, symbol: String? = nil, limit: Int = 100, after: PageCursor? = nil) {
        self.statuses = statuses
        self.symbol = symbol
        self.limit = limit
        self.after = after
    }
}
