import Foundation

/// One rule an order broke, with a sentence for the trader.
/// An `Error` too, so one violation can travel in a `Result`.
public struct RiskViolation: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    public var rule: String
    public var message: String

    public init(rule: String, message: String) {
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(rule): \(message)" }
}

/// What the risk rules need to know about an order and the account it would change.
public struct RiskInput: Sendable {
    public var now: Date
    public var exchange: String?
    public var symbol: String
    public var side: OrderSide
    public var quantity: Decimal
    /// The expected fill price: the taker price for a market order, the limit for a limit order.
    public var price: Decimal
    /// Quote currency the order needs free: notional and fee of a buy, or of the part of a sell that opens a short.
    public var requiredCash: Decimal
    public var availableCash: Decimal
    public var equity: Decimal
    /// Open positions of the account, and of this symbol, before the order.
    public var openPositions: Int
    public var openPositionsForSymbol: Int
    /// The order creates a position: none is open for its (symbol, strategy), or it flips one.
    public var opensPosition: Bool
    /// The part of a sell beyond the position it reduces (0 for buys and for plain reductions).
    public var shortQuantity: Decimal
    public var shortingAllowed: Bool
    /// Notional of the order's position, and of all positions, before and after the order, at `price`.
    public var positionNotionalAfter: Decimal
    /// The same position's notional before the order: an order that makes it smaller is not held to the
    /// minimum size or the equity share, so a position can always be reduced.
    public var positionNotionalBefore: Decimal = 0
    public var exposureBefore: Decimal
    public var exposureAfter: Decimal

    var notional: Decimal { quantity * price }
}

/// Checks an order against an account's limits and returns every rule it breaks (empty: accepted).
public enum RiskCheck {
    public static func violations(_ input: RiskInput, limits: RiskLimits) -> [RiskViolation] {
        var violations: [RiskViolation] = []
        func fail(_ rule: String, _ message: String) { violations.append(RiskViolation(rule: rule, message: message)) }

        let sessions = limits.sessions(for: input.exchange)
        if !sessions.isEmpty, !sessions.contains(where: { $0.isOpen(at: input.now) }) {
            fail("trading_hours", "\(input.exchange ?? "") is closed now")
        }
        if input.opensPosition, let limit = limits.maxOpenPositions, input.openPositions >= limit {
            fail("max_open_positions", "\(input.openPositions) positions are open; the limit is \(limit)")
        }
        if input.opensPosition, let limit = limits.maxOpenPositionsPerSymbol, input.openPositionsForSymbol >= limit {
            let open = input.openPositionsForSymbol
            fail("max_open_positions_per_symbol", "\(open) \(input.symbol) positions are open; the limit is \(limit)")
        }
        let notional = input.notional.rounded()
        if let limit = limits.maxOrderNotional, notional > limit {
            fail("max_order_notional", "the order's notional \(notional) is above the limit \(limit)")
        }
        let reduces = !input.opensPosition && input.positionNotionalAfter < input.positionNotionalBefore
        if let limit = limits.minOrderNotional, notional < limit, !reduces {
            fail("min_order_notional", "the order's notional \(notional) is below the minimum \(limit)")
        }
        if let percent = limits.maxPositionPercentOfEquity {
            let allowed = (input.equity * percent / 100).rounded()
            if input.positionNotionalAfter > allowed, !reduces {
                fail(
                    "max_position_percent_of_equity",
                    "the position would be \(input.positionNotionalAfter.rounded()), above \(percent) % of equity (\(allowed))"
                )
            }
        }
        if let limit = limits.maxTotalExposure, input.exposureAfter > input.exposureBefore, input.exposureAfter > limit {
            fail("max_total_exposure", "total exposure would be \(input.exposureAfter.rounded()), above the limit \(limit)")
        }
        if input.shortQuantity > 0 && !input.shortingAllowed {
            fail(
                "short_selling",
                "selling \(input.shortQuantity) \(input.symbol) beyond the position needs short selling, which this account does not allow"
            )
        }
        if input.requiredCash > input.availableCash {
            let needed = input.requiredCash.rounded()
            fail("sufficient_balance", "the order needs \(needed) available; the account has \(input.availableCash.rounded())")
        }
        return violations
    }
}
