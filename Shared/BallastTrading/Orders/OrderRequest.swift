import BallastCore
import Foundation

/// What a signal asks for, checked for what can be checked without the account: the order a paper account
/// would place for it. Orders that follow the position (an exit, an add, a trade that must leave the
/// position flat) get their side and quantity from it in `sized(for:)`.
public struct OrderRequest: Sendable, Equatable {
    /// How the order relates to the position of its symbol and strategy.
    public enum Intent: Sendable, Equatable {
        /// Buy or sell the quantity; the position nets (a sell makes a long smaller first).
        case trade
        /// Only makes the position smaller, never opens or turns one: `exit`, a `sell` with direction `long`,
        /// a `buy` with direction `short`. The side, when known, is the position's the signal means.
        case reduce(PositionSide?)
        /// Grows the open position on its own side (`add`).
        case add(PositionSide?)
        /// Cancels the open orders of the symbol and strategy (`cancel`); no order is placed.
        case cancel
    }

    /// The position the sender expects after the trade (`sentiment`).
    public enum Sentiment: String, Sendable, Equatable {
        case long, short, flat
    }

    public var signalID: UUID
    public var userID: UUID
    public var exchange: String?
    public var symbol: String
    public var intent: Intent
    public var sentiment: Sentiment?
    /// As sent for a trade; for the other intents, set by `sized(for:)`.
    public var side: OrderSide
    public var type: OrderType
    public var timeInForce: TimeInForce
    /// When a `gtd` order expires (a `day` order's end is found when it is placed).
    public var expiresAt: Date?
    /// As sent; when nil, the position decides it (an exit, a flat sentiment: `sized(for:)`) or the account's
    /// default order notional does (`sized(notional:price:)`).
    public var quantity: Decimal?
    /// The signal's size as an amount of the quote currency, in place of a quantity (`quantityType` `dollar_amount`).
    public var notional: Decimal?
    /// The limit of a limit order; for a market order, the signal's own price, if it sent one.
    public var price: Decimal?
    public var stopLoss: Decimal?
    public var takeProfit: Decimal?
    /// Exits relative to the entry price, turned into `stopLoss` and `takeProfit` by `withExits(entry:)`.
    public var relativeExits: RelativeExits
    /// The position closes when the price falls this percentage below its best since (rises above, for a short).
    public var trailingStopPercent: Decimal?
    /// Positions are kept per (symbol, strategy): signals of different strategies manage different positions.
    public var strategy: String
    public var receivedAt: Date
    /// A call or put on `symbol` (the underlying), for an option signal; nil for a trade of `symbol` itself.
    public var option: OptionTerms? = nil

    public struct RelativeExits: Sendable, Equatable {
        public var stopLossPercent: Decimal?
        public var stopLossAmount: Decimal?
        public var takeProfitPercent: Decimal?
        public var takeProfitAmount: Decimal?
    }

    /// The quantity to trade, once `sized(for:)` has settled it.
    public var orderQuantity: Decimal { quantity ?? 0 }

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

        let direction = signal.direction?.lowercased()
        let directionSide: PositionSide? = direction.flatMap(PositionSide.init(rawValue:))
        var intent: Intent?
        var side: OrderSide?
        switch signal.action.lowercased() {
        case "buy":
            side = .buy
            intent = directionSide == .short ? .reduce(.short) : .trade
        case "sell":
            side = .sell
            intent = directionSide == .long ? .reduce(.long) : .trade
        case "exit": intent = .reduce(directionSide)
        case "add": intent = .add(directionSide)
        case "cancel": intent = .cancel
        default: reject("invalid_action", "action must be buy, sell, exit, add or cancel, got '\(signal.action)'")
        }
        let option = OptionTerms.read(signal, reasons: &reasons)
        var sentiment: Sentiment?
        if let text = signal.sentiment {
            sentiment = Sentiment(rawValue: text.lowercased())
            if sentiment == nil { reject("invalid_sentiment", "sentiment must be long, short or flat, got '\(text)'") }
        }
        let type = OrderType(rawValue: signal.orderType.lowercased())
        if type == nil { reject("invalid_order_type", "orderType must be market or limit, got '\(signal.orderType)'") }
        // Without one, an exit, a cancel and a trade to flat take their size from the position, and the other
        // orders from the account's default notional (`sized(notional:price:)`).
        let quantity = amount(signal.quantity, "quantity")
        let notional = amount(signal.notional, "notional")
        let price = amount(signal.price, "price")
        if type == .limit, signal.price == nil, intent != .cancel { reject("missing_price", "a limit order needs a price") }
        let stopLoss = amount(signal.stopLoss, "stopLoss")
        let takeProfit = amount(signal.takeProfit, "takeProfit")
        let relativeExits = RelativeExits(
            stopLossPercent: amount(signal.stopLossPercent, "stopLossPercent"),
            stopLossAmount: amount(signal.stopLossAmount, "stopLossAmount"),
            takeProfitPercent: amount(signal.takeProfitPercent, "takeProfitPercent"),
            takeProfitAmount: amount(signal.takeProfitAmount, "takeProfitAmount"))
        if let percent = relativeExits.stopLossPercent, percent >= 100 {
            reject("invalid_stopLossPercent", "stopLossPercent must be below 100, got '\(percent)'")
        }
        let trailingStop = amount(signal.trailingStopPercent, "trailingStopPercent")
        if let trailingStop, trailingStop >= 100 {
            reject("invalid_trailingStopPercent", "trailingStopPercent must be below 100, got '\(trailingStop)'")
        }
        // Exits belong to the position an order opens or grows: an order that closes drops them (`sized(for:)`),
        // and an add's are checked once the position gives it a side (`withExits(entry:)`).
        if let side, intent == .trade, sentiment != .flat,
            let violation = exitsViolation(side: side, stopLoss: stopLoss, takeProfit: takeProfit)
        {
            reasons.append(violation)
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
        guard reasons.isEmpty, let intent, let type else { return .failure(RejectionReasons(reasons)) }
        return .success(
            OrderRequest(
                signalID: signal.id, userID: signal.userID, exchange: signal.exchange, symbol: signal.symbol.uppercased(), intent: intent,
                sentiment: sentiment, side: side ?? .sell, type: type, timeInForce: type == .market ? .ioc : timeInForce,
                expiresAt: timeInForce == .gtd ? signal.expiresAt : nil, quantity: quantity, notional: notional, price: price,
                stopLoss: stopLoss, takeProfit: takeProfit, relativeExits: relativeExits, trailingStopPercent: trailingStop,
                strategy: signal.strategy ?? "", receivedAt: signal.receivedAt, option: option
            )
        )
    }

    /// The order with its side and quantity settled against the open position of its symbol and strategy, or
    /// why there is none to place: an exit or add without a position on the side it means, a trade that would
    /// not leave the position the sentiment says.
    public func sized(for position: PositionRecord?) -> Result<OrderRequest, RiskViolation> {
        var order = self
        let held = position.map { "the \($0.state.side.rawValue) position of \($0.state.quantity.plainText)" } ?? "no position"
        let strategyText = strategy.isEmpty ? "" : " in strategy \(strategy)"
        func noPosition(_ wanted: PositionSide?, to verb: String) -> RiskViolation {
            let what = wanted.map { "\($0.rawValue) position" } ?? "position"
            return RiskViolation(rule: "no_position", message: "no open \(what) of \(symbol)\(strategyText) to \(verb)")
        }
        switch intent {
        case .cancel:
            return .success(order)
        case .reduce(let wanted):
            guard let position, wanted == nil || wanted == position.state.side else { return .failure(noPosition(wanted, to: "close")) }
            order.side = position.state.side.closingSide
            // A flat sentiment closes the whole position, whatever quantity was sent; a notional is sized at the
            // price (`sized(notional:price:position:)`), then capped here.
            let whole = position.state.quantity
            if sentiment == .flat {
                order.quantity = whole
            } else if quantity != nil || notional == nil {
                order.quantity = min(quantity ?? whole, whole)
            }
            order.clearExits()
        case .add(let wanted):
            guard let position, wanted == nil || wanted == position.state.side else { return .failure(noPosition(wanted, to: "add to")) }
            order.side = position.state.side == .long ? .buy : .sell
        case .trade where sentiment == .flat:
            guard let position else { return .failure(noPosition(nil, to: "close to flat")) }
            guard position.state.side.closingSide == side else {
                return .failure(
                    RiskViolation(
                        rule: "sentiment_mismatch", message: "a \(side.rawValue) cannot leave \(held) of \(symbol) flat"))
            }
            order.quantity = position.state.quantity
            order.clearExits()
        case .trade:
            break
        }
        // A flat sentiment has sized the order to leave no position, except on an add, which never can. An order
        // still without a quantity is checked once the default notional gives it one.
        if let sentiment, order.quantity != nil {
            let before = position?.signedQuantity ?? 0
            let after = before + (order.side == .buy ? order.orderQuantity : -order.orderQuantity)
            let leaves: Sentiment = after > 0 ? .long : after < 0 ? .short : .flat
            if leaves != sentiment {
                let result = leaves == .flat ? "no position" : "a \(leaves.rawValue) position"
                return .failure(
                    RiskViolation(
                        rule: "sentiment_mismatch",
                        message: "sentiment is \(sentiment.rawValue), but this \(order.side.rawValue) leaves \(result) of \(symbol)"))
            }
        }
        return .success(order)
    }

    /// An order still without a quantity, sized to `notional` (in the quote currency: the signal's own, else the
    /// account's default) at `price`, rounded down to the quantity's places (up, when down would fall below
    /// `minimum`, the account's smallest order notional), then settled against `position` as `sized(for:)` does;
    /// no notional, or one too small for the smallest quantity, is `missing_quantity`.
    public func sized(
        notional: Decimal?, price: Decimal, position: PositionRecord?, minimum: Decimal? = nil
    ) -> Result<OrderRequest, RiskViolation> {
        guard quantity == nil else { return .success(self) }
        guard let notional else {
            return .failure(
                RiskViolation(
                    rule: "missing_quantity",
                    message: "the signal has no quantity, and the account sets no defaultOrderNotional to size it"))
        }
        var units = (notional / price).rounded(.down)
        if let minimum, units * price < minimum, notional >= minimum { units = (notional / price).rounded(.up) }
        guard units > 0 else {
            return .failure(
                RiskViolation(
                    rule: "missing_quantity",
                    message: "a notional of \(notional.plainText) buys no quantity at \(price.plainText)"))
        }
        var order = self
        order.quantity = units
        return order.sized(for: position)
    }

    /// The order with its relative exits turned into prices around `entry`, the price it is expected to fill
    /// at (a percentage of it, or an amount of the quote currency away from it), or why they make no sense.
    /// The exits are checked against each other here too: an add learns its side only from the position.
    public func withExits(entry: Decimal) -> Result<OrderRequest, RiskViolation> {
        var order = self
        let sign: Decimal = side == .buy ? 1 : -1
        func level(percent: Decimal?, amount: Decimal?, direction: Decimal) -> Decimal? {
            if let percent { return (entry * (1 + direction * sign * percent / 100)).rounded() }
            if let amount { return (entry + direction * sign * amount).rounded() }
            return nil
        }
        func notAPrice(_ exit: String, _ level: Decimal) -> RiskViolation {
            RiskViolation(
                rule: "invalid_exits", message: "the \(exit) \(level.plainText) for an entry at \(entry.plainText) is not a price")
        }
        if let stop = level(percent: relativeExits.stopLossPercent, amount: relativeExits.stopLossAmount, direction: -1) {
            guard stop > 0 else { return .failure(notAPrice("stop loss", stop)) }
            order.stopLoss = stop
        }
        if let target = level(percent: relativeExits.takeProfitPercent, amount: relativeExits.takeProfitAmount, direction: 1) {
            guard target > 0 else { return .failure(notAPrice("take profit", target)) }
            order.takeProfit = target
        }
        order.relativeExits = RelativeExits()
        if let violation = Self.exitsViolation(side: side, stopLoss: order.stopLoss, takeProfit: order.takeProfit) {
            return .failure(violation)
        }
        return .success(order)
    }

    /// Whether this order, sized by `sized(for:)`, is one that closes `position` whole: an exit, a sell meaning the
    /// long (a buy meaning the short), or a flat sentiment, of the position's full quantity.
    public func closes(_ position: PositionRecord?) -> Bool {
        guard let position, quantity == position.state.quantity, side == position.state.side.closingSide else { return false }
        switch intent {
        case .reduce: return true
        case .trade: return sentiment == .flat
        case .add, .cancel: return false
        }
    }

    /// An order that only makes a position smaller sets no exits for it.
    private mutating func clearExits() {
        stopLoss = nil
        takeProfit = nil
        relativeExits = RelativeExits()
        trailingStopPercent = nil
    }

    private static func exitsViolation(side: OrderSide, stopLoss: Decimal?, takeProfit: Decimal?) -> RiskViolation? {
        guard let stopLoss, let takeProfit else { return nil }
        let ordered = side == .buy ? stopLoss < takeProfit : stopLoss > takeProfit
        guard !ordered else { return nil }
        return RiskViolation(
            rule: "invalid_exits",
            message: "for a \(side.rawValue), the stop loss \(stopLoss) must be on the other side of the take profit \(takeProfit)")
    }
}
