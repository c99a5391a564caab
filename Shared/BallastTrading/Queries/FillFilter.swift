import BallastCore
import Foundation

/// Which fills `TradingQueryStore.fills` lists.
public struct FillFilter: Sendable, Equatable {
    public var symbol: String?
    public var orderID: UUID?
    public var limit: Int
    public var after: PageCursor?

    public init(symbol: String? = nil, orderID: UUID? = nil, limit: Int = 100, after: PageCursor? = nil) {
        self.symbol = symbol
        self.orderID = orderID
        self.limit = limit
        self.after = after
    }
}
