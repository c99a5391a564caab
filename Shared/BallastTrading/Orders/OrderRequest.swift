import BallastCore
import Foundation

/// What a signal asks for, checked for what can be checked without the account: the order a paper account
/// would place for it.
public struct OrderRequest: Sendable, Equatable {
    public var signalID: UUID
    public var userID: UUID
    public var exchange: String?
    public var symbol: String
    public var side: OrderSide
    public var type: OrderType
    public var timeInForce: TimeInForce
    /// When a `gtd` order expires (a `day` order's end is found when it is placed).
    public var expiresAt: Date?
    public var quantity: Decimal
    /// The limit of a limit order; for a market order, the signal's own price, if it sent one.
    public var price: Decimal?
    public var stopLoss: Decimal?
    public var takeProfit: Decimal?
    /// The position closes when the price falls this percentage below its best since (rises above, for a short).
    public var trailingStopPercent: Decimal?
    /// Positions are kept per (symbol, strategy): signals of different strategies manage different positions.
    public var strategy: String
    public var receivedAt: Date

    /// The request in `signal`, or every reason it cannot become an order.
    public static func from(_ signal: SignalDocument) -> Result<OrderRequest, RejectionReasons> {
        var reasons: [RiskViolation] = []
        func reject(_ rule: String, _ message: String) { reasons.append(RiskViolation(rule: rule, message: message)) }
        func amount(_ text: String?, _ name: String) -> Decimal? {
            guard let text else { return nil }
            guard let value = ExactDecimal.parse(text), value > 0 else {
                reject("invalid_\(name)", "\(name) must be a number above 0, got '\(text)'")
                return nil
            }
            guard value == value.rounded() else {
                reject("invalid_\(name)", "\(name) has more than \(Decimal.places) decimals: '\(text)'")
                return nil
            }
            return value
        }

        let side = OrderSide(rawValue: signal.action.lowercased())
        if side == nil { reject("invalid_action", "action must be buy or sell, got '\(signal.action)'") }
        if let direction = signal.direction?.lowercased(), direction == "call" || direction == "put" {
            reject("unsupported_instrument", "options (\(direction)) are not traded by paper execution")
        }
        let type = OrderType(rawValue: signal.orderType.lowercased())
        if type == nil { reject("invalid_order_type", "orderType must be market or limit, got '\(signal.orderType)'") }
        let quantity = amount(signal.quantity, "quantity")
        if signal.quantity == nil { reject("missing_quantity", "the signal has no quantity") }
        let price = amount(signal.price, "price")
        if type == .limit, signal.price == nil { reject("missing_price", "a limit order needs a price") }
        let stopLoss = amount(signal.stopLoss, "stopLoss")
        let takeProfit = amount(signal.takeProfit, "takeProfit")
        let trailingStop = amount(signal.trailingStopPercent, "trailingStopPercent")
        if let trailingStop, trailingStop >= 100 {
            reject("invalid_trailingStopPercent", "trailingStopPercent must be below 100, got '\(trailingStop)'")
        }
        if let side, let stopLoss, let takeProfit {
            let ordered = side == .buy ? stopLoss < takeProfit : stopLoss > takeProfit
            if !ordered {
                reject(
                    "invalid_exits",
                    "for a \(side.rawValue), the stop loss \(stopLoss) must be on the other side of the take profit \(takeProfit)")
            }
        }
        var timeInForce = TimeInForce.gtc
        if let text = signal.timeInForce {
            if let parsed = TimeInForce(rawValue: text.lowercased()) {
                timeInForce = parsed
            } else {
                reject("invalid_time_in_force", "timeInForce must be gtc, ioc, day or gtd, got '\(text)'")
            }
        }
        if timeInForce == .gtd {
            if let expiresAt = signal.expiresAt {
                if expiresAt <= signal.receivedAt { reject("invalid_expires_at", "expiresAt is not after the signal was received") }
            } else {
                reject("missing_expires_at", "a gtd order needs expiresAt")
            }
        }
        guard reasons.isEmpty, let side, let type, let quantity else { return .failure(RejectionReasons(reasons)) }
        return .success(
            OrderRequest(
                signalID: signal.id, userID: signal.userId, exchange: signal.exchange, symbol: signal.symbol.uppercased(), side: side,
                type: type, timeInForce: type == .market ? .ioc : timeInForce, expiresAt: timeInForce == .gtd ? signal.expiresAt : nil,
                quantity: quantity, price: price, stopLoss: stopLoss,
                takeProfit: takeProfit, trailingStopPercent: trailingStop, strategy: signal.strategy ?? "", receivedAt: signal.receivedAt
            )
        )
    }
}

/// The reasons a signal was rejected (an `Error`, so it can travel in a `Result`).
public struct RejectionReasons: Error, Sendable, Equatable {
    public var reasons: [RiskViolation]

    public init(_ reasons: [RiskViolation]) { self.reasons = reasons }
}
