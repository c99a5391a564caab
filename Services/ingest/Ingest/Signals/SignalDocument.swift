import BallastCore
import Foundation

/// A stored signal as JSON: published on `ballast:signals`, carried by `signal.received` events and
/// returned by the API. Amounts are decimal strings, exactly as accepted.
public struct SignalDocument: Codable, Sendable, Equatable {
    public var id: UUID
    public var sourceId: UUID
    public var userId: UUID
    public var clientId: String?
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
}

extension SignalDocument {
    init(id: UUID, source: SignalSource, signal: SignalInput, receivedAt: Date) {
        self.id = id
        sourceId = source.id
        userId = source.userID
        clientId = signal.clientID
        exchange = signal.exchange
        symbol = signal.symbol
        action = signal.action.rawValue
        direction = signal.direction?.rawValue
        quantity = signal.quantity.map { "\($0)" }
        price = signal.price.map { "\($0)" }
        orderType = signal.orderType.rawValue
        stopLoss = signal.stopLoss.map { "\($0)" }
        takeProfit = signal.takeProfit.map { "\($0)" }
        timeframe = signal.timeframe
        strike = signal.strike.map { "\($0)" }
        expiration = signal.expiration
        strategy = signal.strategy
        comment = signal.comment
        timestamp = signal.timestamp
        self.receivedAt = receivedAt
    }
}

/// The payload of an event on `ballast:events`, as the seeds' webhook consumers expect it.
struct EventPayload<Data: Encodable & Sendable>: Encodable, Sendable {
    var event: String
    var timestamp: Date
    var userId: UUID
    var data: Data
}
