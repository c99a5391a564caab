import Foundation

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
