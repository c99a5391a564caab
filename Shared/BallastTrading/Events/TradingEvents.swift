import BallastCore
import Foundation

/// The events signal-processor publishes on `ballast:events` through the outbox, shaped like ingest's
/// `signal.received`: `{"event", "timestamp", "userId", "data"}`.
public enum TradingEvent {
    public static let orderCreated = "order.created"
    public static let orderFilled = "order.filled"
    public static let orderCanceled = "order.canceled"
    public static let orderExpired = "order.expired"
    public static let tradeExecuted = "trade.executed"
    public static let tradeFailed = "trade.failed"
    public static let positionOpened = "position.opened"
    public static let positionClosed = "position.closed"
    public static let signalRejected = "signal.rejected"
    public static let balanceUnlocked = "balance.unlocked"

    private struct Payload<Data: Encodable>: Encodable {
        var event: String
        var timestamp: Date
        var userId: UUID
        var data: Data
    }

    static func envelope(_ type: String, userID: UUID, at time: Date, data: some Encodable) throws -> Envelope {
        try Envelope(type: type, timestamp: time, payload: Payload(event: type, timestamp: time, userId: userID, data: data))
    }
}

/// `signal.rejected`: the signal and every rule it failed.
struct SignalRejection: Encodable {
    var signalId: UUID
    var symbol: String
    var orderId: UUID?
    var reasons: [RiskViolation]
}

/// `balance.unlocked`: an amount an open order held back is free again.
struct BalanceUnlock: Encodable {
    var accountId: UUID
    var orderId: UUID
    var asset: String
    var amount: String
}
