import BallastCore

/// Which positions `TradingQueryStore.positions` lists.
public struct PositionFilter: Sendable, Equatable {
    public var status: PositionStatus?
    public var symbol: String?
    public var limit: Int
    public var after: PageCursor?

    public init(status: PositionStatus? = nil, symbol: String? = nil, limit: Int = 100, after: PageCursor? = nil) {
        self.status = status
        self.symbol = symbol
        self.limit = limit
        self.after = after
    }
}
