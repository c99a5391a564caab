import Foundation

/// An order as stored in `orders`.
public struct OrderRecord: Sendable, Equatable {
    public var id: UUID
    public var accountID: UUID
    public var clientOrderID: String
    public var signalID: UUID?
    public var symbol: String
    public var side: OrderSide
    public var type: OrderType
    public var timeInForce: TimeInForce
    public var limitPrice: Decimal?
    public var quantity: Decimal
    public var filledQuantity: Decimal
    public var averagePrice: Decimal?
    public var fees: Decimal
    public var status: OrderStatus
    public var reason: String?
    public var strategy: String
    public var stopLoss: Decimal?
    public var takeProfit: Decimal?
    /// Handed to the position the order opens or grows.
    public var trailingStopPercent: Decimal?
    public var expiresAt: Date?
    public var lockedAsset: String?
    public var lockedAmount: Decimal
    public var receivedAt: Date?

    public var remainingQuantity: Decimal { quantity - filledQuantity }

    /// Adds a fill of `quantity` at `price` paying `fee`: the average price over all fills, the status.
    mutating func record(fillOf quantity: Decimal, at price: Decimal, fee: Decimal) {
        let filledBefore = filledQuantity
        filledQuantity += quantity
        averagePrice = (((averagePrice ?? 0) * filledBefore + price * quantity) / filledQuantity).rounded()
        fees += fee
        status = filledQuantity == self.quantity ? .filled : .partiallyFilled
    }

    static let columns = """
        id, account_id, client_order_id, signal_id, symbol, side, type, time_in_force, limit_price, quantity, filled_quantity,
        average_price, fees, status, reason, strategy, stop_loss, take_profit, trailing_stop_percent, expires_at, locked_asset,
        locked_amount, received_at
        """

    typealias Row = (
        UUID, UUID, String, UUID?, String, String, String, String, Decimal?, Decimal, Decimal, Decimal?, Decimal, String, String?, String,
        Decimal?, Decimal?, Decimal?, Date?, String?, Decimal, Date?
    )

    init(row: Row) throws {
        let (
            id, accountID, clientOrderID, signalID, symbol, side, type, timeInForce, limitPrice, quantity, filledQuantity, averagePrice,
            fees,
            status, reason, strategy, stopLoss, takeProfit, trailingStopPercent, expiresAt, lockedAsset, lockedAmount, receivedAt
        ) = row
        guard let side = OrderSide(rawValue: side), let type = OrderType(rawValue: type),
            let timeInForce = TimeInForce(rawValue: timeInForce),
            let status = OrderStatus(rawValue: status)
        else { throw StoredValueError("orders row \(id) has an unknown side, type, time in force or status") }
        self.init(
            id: id, accountID: accountID, clientOrderID: clientOrderID, signalID: signalID, symbol: symbol, side: side, type: type,
            timeInForce: timeInForce, limitPrice: limitPrice, quantity: quantity, filledQuantity: filledQuantity,
            averagePrice: averagePrice,
            fees: fees, status: status, reason: reason, strategy: strategy, stopLoss: stopLoss, takeProfit: takeProfit,
            trailingStopPercent: trailingStopPercent, expiresAt: expiresAt,
            lockedAsset: lockedAsset, lockedAmount: lockedAmount, receivedAt: receivedAt
        )
    }

    public init(
        id: UUID, accountID: UUID, clientOrderID: String, signalID: UUID?, symbol: String, side: OrderSide, type: OrderType,
        timeInForce: TimeInForce, limitPrice: Decimal?, quantity: Decimal, filledQuantity: Decimal = 0, averagePrice: Decimal? = nil,
        fees: Decimal = 0, status: OrderStatus, reason: String? = nil, strategy: String, stopLoss: Decimal?, takeProfit: Decimal?,
        trailingStopPercent: Decimal? = nil, expiresAt: Date? = nil, lockedAsset: String? = nil, lockedAmount: Decimal = 0,
        receivedAt: Date?
    ) {
        self.id = id
        self.accountID = accountID
        self.clientOrderID = clientOrderID
        self.signalID = signalID
        self.symbol = symbol
        self.side = side
        self.type = type
        self.timeInForce = timeInForce
        self.limitPrice = limitPrice
        self.quantity = quantity
        self.filledQuantity = filledQuantity
        self.averagePrice = averagePrice
        self.fees = fees
        self.status = status
        self.reason = reason
        self.strategy = strategy
        self.stopLoss = stopLoss
        self.takeProfit = takeProfit
        self.trailingStopPercent = trailingStopPercent
        self.expiresAt = expiresAt
        self.lockedAsset = lockedAsset
        self.lockedAmount = lockedAmount
        self.receivedAt = receivedAt
    }
}
