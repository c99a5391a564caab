import BallastCore
import Foundation

/// The events signal-processor publishes on `ballast:events` through the outbox, shaped like ingest's
/// `signal.received` (`EventBody`).
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
    public static let balanceMismatch = "balance.mismatch"
    /// An option position settled at expiry (`OptionSettlement`).
    public static let optionExpired = "option.expired"

    static func envelope(_ type: String, userID: UUID, at time: Date, data: some Encodable) throws -> Envelope {
        try Envelope.event(type, userID: userID, at: time, data: data)
    }
}

/// `signal.rejected`: the signal and every rule it failed.
struct SignalRejection: Encodable {
    var signalID: UUID
    var symbol: String
    var orderID: UUID?
    var reasons: [RiskViolation]
    /// The account that refused it, and for an experiment's signal the experiment and variant: in a shadow experiment
    /// each variant decides, and one may refuse what another accepts.
    var accountID: UUID? = nil
    var experimentID: UUID? = nil
    var variant: String? = nil

    enum CodingKeys: String, CodingKey {
        case signalID = "signalId"
        case symbol
        case orderID = "orderId"
        case reasons
        case accountID = "accountId"
        case experimentID = "experimentId"
        case variant
    }
}

/// `balance.unlocked`: an amount an open order held back is free again.
struct BalanceUnlock: Encodable {
    var accountID: UUID
    var orderID: UUID
    var asset: String
    var amount: String

    enum CodingKeys: String, CodingKey {
        case accountID = "accountId"
        case orderID = "orderId"
        case asset
        case amount
    }
}
