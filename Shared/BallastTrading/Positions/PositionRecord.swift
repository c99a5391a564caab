import Foundation

/// An open position as stored in `positions`.
public struct PositionRecord: Sendable, Equatable {
    public var id: UUID
    public var accountID: UUID
    public var symbol: String
    public var strategy: String
    public var state: PositionState
    public var markPrice: Decimal?
    public var stopLoss: Decimal?
    public var takeProfit: Decimal?
    public var trailingStopPercent: Decimal?
    public var bestPrice: Decimal?

    init(
        id: UUID, accountID: UUID, symbol: String, strategy: String, state: PositionState, markPrice: Decimal?, stopLoss: Decimal?,
        takeProfit: Decimal?, trailingStopPercent: Decimal?, bestPrice: Decimal?
    ) {
        self.id = id
        self.accountID = accountID
        self.symbol = symbol
        self.strategy = strategy
        self.state = state
        self.markPrice = markPrice
        self.stopLoss = stopLoss
        self.takeProfit = takeProfit
        self.trailingStopPercent = trailingStopPercent
        self.bestPrice = bestPrice
    }

    static let columns = """
        id, account_id, symbol, strategy, side, quantity, average_entry_price, realized_pnl, mark_price, stop_loss, take_profit,
        trailing_stop_percent, best_price
        """

    typealias Row = (UUID, UUID, String, String, String, Decimal, Decimal, Decimal, Decimal?, Decimal?, Decimal?, Decimal?, Decimal?)

    init(row: Row) throws {
        let (id, accountID, symbol, strategy, side, quantity, average, realized, mark, stopLoss, takeProfit, trailing, best) = row
        guard let side = PositionSide(rawValue: side) else { throw StoredValueError("positions row \(id) has side '\(side)'") }
        self.init(
            id: id, accountID: accountID, symbol: symbol, strategy: strategy,
            state: PositionState(side: side, quantity: quantity, averageEntryPrice: average, realizedPnL: realized), markPrice: mark,
            stopLoss: stopLoss, takeProfit: takeProfit, trailingStopPercent: trailing, bestPrice: best
        )
    }

    /// The price the position is valued at: the last mark, or its entry price before any.
    var valuationPrice: Decimal { markPrice ?? state.averageEntryPrice }

    /// The signed quantity: positive long, negative short.
    var signedQuantity: Decimal { state.side == .long ? state.quantity : -state.quantity }
}
