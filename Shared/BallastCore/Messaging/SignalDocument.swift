import Foundation

/// A stored signal as JSON: published on `ballast:signals`, carried by `signal.received` events and
/// returned by the API. Amounts are decimal strings, exactly as accepted. Ingest writes it; signal-processor
/// reads it.
public struct SignalDocument: Codable, Sendable, Equatable {
    public var id: UUID
    public var sourceID: UUID
    public var userID: UUID
    public var clientID: String?
    public var exchange: String?
    public var symbol: String
    public var action: String
    public var direction: String?
    public var quantity: String?
    public var price: String?
    public var orderType: String
    public var stopLoss: String?
    public var takeProfit: String?
    public var timeframe: String?
    public var strike: String?
    public var expiration: String?
    public var strategy: String?
    public var comment: String?
    public var timestamp: Date?
    public var receivedAt: Date
    /// How long a limit order stays open: `gtc` (the default), `ioc`, `day`, `gtd` (with `expiresAt`).
    public var timeInForce: String?
    public var expiresAt: Date?
    /// A trailing stop for the position the order opens or grows: the percentage below the best price
    /// since (above, for a short) at which it closes, as a decimal string.
    public var trailingStopPercent: String?
    /// The signal's place among its user's signals, counted from 1 in the order ingest accepted them
    /// (`accept_signals`); signal-processor decides them in that order. Absent in messages published before
    /// migration 17.
    public var sequence: Int64?
    /// The position the sender expects after the trade: `long`, `short` or `flat`.
    public var sentiment: String?
    /// Exits relative to the entry price, as decimal strings: a percentage of it, or an amount of the quote
    /// currency away from it. Signal-processor turns them into prices when the order is placed.
    public var stopLossPercent: String?
    public var stopLossAmount: String?
    public var takeProfitPercent: String?
    public var takeProfitAmount: String?
    /// An amount of the quote currency to trade, in place of a quantity (the bridge's `quantityType`
    /// `dollar_amount`), as a decimal string.
    public var notional: String?
    /// Where ingest routed the signal (an experiment's variants, or its source's engine); nil: the trading account and
    /// the `rules` engine.
    public var routing: SignalRouting?
    /// An option's strike selection (the bridges'): this many strikes from the money, as text, and `itm` or `otm`.
    public var strikesAway: String?
    public var intrinsicValue: String?
    /// The annual volatility to price an option at, as a decimal fraction (0.65), in place of the configured or
    /// estimated one.
    public var volatility: String?

    public init(
        id: UUID, sourceID: UUID, userID: UUID, clientID: String? = nil, exchange: String? = nil, symbol: String,
        action: String, direction: String? = nil, quantity: String? = nil, price: String? = nil, orderType: String = "market",
        stopLoss: String? = nil, takeProfit: String? = nil, timeframe: String? = nil, strike: String? = nil,
        expiration: String? = nil, strategy: String? = nil, comment: String? = nil, timestamp: Date? = nil, receivedAt: Date,
        timeInForce: String? = nil, expiresAt: Date? = nil, trailingStopPercent: String? = nil, sequence: Int64? = nil,
        sentiment: String? = nil, stopLossPercent: String? = nil, stopLossAmount: String? = nil, takeProfitPercent: String? = nil,
        takeProfitAmount: String? = nil, notional: String? = nil, routing: SignalRouting? = nil,
        strikesAway: String? = nil, intrinsicValue: String? = nil, volatility: String? = nil
    ) {
        self.id = id
        self.sourceID = sourceID
        self.userID = userID
        self.clientID = clientID
        self.exchange = exchange
        self.symbol = symbol
        self.action = action
        self.direction = direction
        self.quantity = quantity
        self.price = price
        self.orderType = orderType
        self.stopLoss = stopLoss
        self.takeProfit = takeProfit
        self.timeframe = timeframe
        self.strike = strike
        self.expiration = expiration
        self.strategy = strategy
        self.comment = comment
        self.timestamp = timestamp
        self.receivedAt = receivedAt
        self.timeInForce = timeInForce
        self.expiresAt = expiresAt
        self.trailingStopPercent = trailingStopPercent
        self.sequence = sequence
        self.sentiment = sentiment
        self.stopLossPercent = stopLossPercent
        self.stopLossAmount = stopLossAmount
        self.takeProfitPercent = takeProfitPercent
        self.takeProfitAmount = takeProfitAmount
        self.notional = notional
        self.routing = routing
        self.strikesAway = strikesAway
        self.intrinsicValue = intrinsicValue
        self.volatility = volatility
    }

    enum CodingKeys: String, CodingKey {
        case id
        case sourceID = "sourceId"
        case userID = "userId"
        case clientID = "clientId"
        case exchange
        case symbol
        case action
        case direction
        case quantity
        case price
        case orderType
        case stopLoss
        case takeProfit
        case timeframe
        case strike
        case expiration
        case strategy
        case comment
        case timestamp
        case receivedAt
        case timeInForce
        case expiresAt
        case trailingStopPercent
        case sequence
        case sentiment
        case stopLossPercent
        case stopLossAmount
        case takeProfitPercent
        case takeProfitAmount
        case notional
        case routing
        case strikesAway
        case intrinsicValue
        case volatility
    }
}
