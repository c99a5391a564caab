import Foundation
import Testing

@testable import BallastTrading

/// A position from decimal texts, so the expectations below read like the hand calculations in their comments.
private func position(_ side: PositionSide, _ quantity: String, at price: String, realized: String) -> PositionState {
    PositionState(side: side, quantity: decimal(quantity), averageEntryPrice: decimal(price), realizedPnL: decimal(realized))
}

private func fill(_ side: OrderSide, _ quantity: String, at price: String, fee: String) -> PositionFill {
    PositionFill(side: side, quantity: decimal(quantity), price: decimal(price), fee: decimal(fee))
}

@Suite("Position math")
struct PositionMathTests {
    // MARK: - A long's life: open, increase, reduce, close

    @Test("a first buy opens a long at the fill price, with the fee as its realized loss")
    func openLong() {
        let change = PositionMath.apply(fill(.buy, "2", at: "100", fee: "0.2"), to: nil)
        #expect(change == .opened(position(.long, "2", at: "100", realized: "-0.2")))
    }

    @Test("a first sell opens a short")
    func openShort() {
        let change = PositionMath.apply(fill(.sell, "1.5", at: "200", fee: "0.3"), to: nil)
        #expect(change == .opened(position(.short, "1.5", at: "200", realized: "-0.3")))
    }

    /// (2 × 100 + 1 × 106) / 3 = 102; the fees add up: 0.2 + 0.106.
    @Test("buying more at another price moves the average entry price and adds the fee to the realized loss")
    func increaseLong() {
        let change = PositionMath.apply(fill(.buy, "1", at: "106", fee: "0.106"), to: position(.long, "2", at: "100", realized: "-0.2"))
        #expect(change == .increased(position(.long, "3", at: "102", realized: "-0.306")))
    }

    /// (1.5 × 200 + 0.5 × 220) / 2 = 205.
    @Test("selling more into a short averages its entry price the same way")
    func increaseShort() {
        let change = PositionMath.apply(
            fill(.sell, "0.5", at: "220", fee: "0.11"), to: position(.short, "1.5", at: "200", realized: "-0.3"))
        #expect(change == .increased(position(.short, "2", at: "205", realized: "-0.41")))
    }

    @Test(
        "an average entry price that does not terminate is rounded to the nearest 8th decimal",
        arguments: [
            // 301 / 3 = 100.333… → down.
            ("2", "100", "1", "101", "100.33333333"),
            // 300.00000002 / 3 = 100.0000000066… → up.
            ("1", "100", "2", "100.00000001", "100.00000001"),
        ]
    )
    func averageRounding(held: String, entry: String, bought: String, price: String, average: String) {
        let change = PositionMath.apply(fill(.buy, bought, at: price, fee: "0"), to: position(.long, held, at: entry, realized: "0"))
        let quantity = decimal(held) + decimal(bought)
        #expect(change == .increased(PositionState(side: .long, quantity: quantity, averageEntryPrice: decimal(average), realizedPnL: 0)))
    }

    /// (110 − 102) × 1 = 8, less the 0.11 fee: 7.89; the position's running total is −0.306 + 7.89.
    @Test("a partial close realizes the price P&L of the part sold, net of its fee, and keeps the entry price")
    func reduceLong() {
        let change = PositionMath.apply(fill(.sell, "1", at: "110", fee: "0.11"), to: position(.long, "3", at: "102", realized: "-0.306"))
        #expect(change == .reduced(position(.long, "2", at: "102", realized: "7.584"), realized: decimal("7.89")))
    }

    /// (99 − 102) × 2 = −6, less the 0.198 fee: −6.198; 7.584 − 6.198 = 1.386.
    @Test("selling the whole long closes it at quantity 0 with the last fill's P&L and the lifetime total")
    func closeLongAtALoss() {
        let change = PositionMath.apply(fill(.sell, "2", at: "99", fee: "0.198"), to: position(.long, "2", at: "102", realized: "7.584"))
        #expect(change == .closed(position(.long, "0", at: "102", realized: "1.386"), realized: decimal("-6.198")))
    }

    /// The four steps above, each fed the state the previous one returned: the realized total is the sum of the
    /// fills' realized amounts, −0.2 − 0.106 + 7.89 − 6.198 = 1.386.
    @Test("a long's whole life, step by step, adds up")
    func longLifecycle() {
        guard case .opened(let opened) = PositionMath.apply(fill(.buy, "2", at: "100", fee: "0.2"), to: nil),
            case .increased(let increased) = PositionMath.apply(fill(.buy, "1", at: "106", fee: "0.106"), to: opened),
            case .reduced(let reduced, let firstRealized) = PositionMath.apply(fill(.sell, "1", at: "110", fee: "0.11"), to: increased),
            case .closed(let closed, let lastRealized) = PositionMath.apply(fill(.sell, "2", at: "99", fee: "0.198"), to: reduced)
        else {
            Issue.record("a step did not change the position as expected")
            return
        }
        #expect(increased.averageEntryPrice == decimal("102"))
        #expect(reduced.quantity == decimal("2"))
        #expect(firstRealized + lastRealized == decimal("1.692"))
        #expect(closed == position(.long, "0", at: "102", realized: "1.386"))
    }

    // MARK: - Shorts

    /// A short gains when the price falls: (200 − 190) × 0.5 = 5, less 0.095.
    @Test("buying back part of a short below its entry realizes a profit")
    func reduceShortAtAProfit() {
        let change = PositionMath.apply(
            fill(.buy, "0.5", at: "190", fee: "0.095"), to: position(.short, "1.5", at: "200", realized: "-0.3"))
        #expect(change == .reduced(position(.short, "1", at: "200", realized: "4.605"), realized: decimal("4.905")))
    }

    /// And loses when it rises: (200 − 210) × 1 = −10, less 0.21.
    @Test("buying back a short above its entry realizes a loss")
    func closeShortAtALoss() {
        let change = PositionMath.apply(fill(.buy, "1", at: "210", fee: "0.21"), to: position(.short, "1", at: "200", realized: "4.605"))
        #expect(change == .closed(position(.short, "0", at: "200", realized: "-5.605"), realized: decimal("-10.21")))
    }

    // MARK: - Flips

    /// Sell 3 against a long of 1: 1 closes, 2 open a short. Closing fee 0.27 × 1 / 3 = 0.09; price P&L (90 − 100) × 1.
    @Test("selling more than a long holds closes it and opens a short with the rest, splitting the fee by quantity")
    func flipLongToShort() {
        let change = PositionMath.apply(fill(.sell, "3", at: "90", fee: "0.27"), to: position(.long, "1", at: "100", realized: "-0.1"))
        #expect(
            change
                == .flipped(
                    closed: position(.long, "0", at: "100", realized: "-10.19"), realized: decimal("-10.09"),
                    opened: position(.short, "2", at: "90", realized: "-0.18")))
    }

    /// Buy 5 against a short of 2: closing fee 0.00000007 × 2 / 5 = 0.000000028 → 0.00000003; the short gains (50 − 45) × 2.
    @Test("buying more than a short holds closes it and opens a long; the closing fee share is rounded to 8 places")
    func flipShortToLong() {
        let change = PositionMath.apply(
            fill(.buy, "5", at: "45", fee: "0.00000007"), to: position(.short, "2", at: "50", realized: "-0.05"))
        #expect(
            change
                == .flipped(
                    closed: position(.short, "0", at: "50", realized: "9.94999997"), realized: decimal("9.99999997"),
                    opened: position(.long, "3", at: "45", realized: "-0.00000004")))
    }

    /// Whatever the rounding of the closing share, the two sides together pay exactly the fill's fee.
    @Test(
        "a flip's fee split always adds up to the whole fee",
        arguments: [
            ("1", "3", "0.1", "0.03333333"),
            ("2", "3", "0.1", "0.06666667"),
            ("1", "7", "0.00000001", "0"),
            ("0.5", "0.75", "0.00000005", "0.00000003"),
            ("0.12345678", "1", "1.23456789", "0.15241578"),
        ]
    )
    func flipFeeSplit(held: String, sold: String, fee: String, closingFee: String) {
        let change = PositionMath.apply(fill(.sell, sold, at: "100", fee: fee), to: position(.long, held, at: "100", realized: "0"))
        guard case .flipped(let closed, let realized, let opened) = change else {
            Issue.record("expected a flip, got \(change)")
            return
        }
        // The price did not move, so the closed side realized only its share of the fee.
        #expect(realized == -decimal(closingFee))
        #expect(closed.realizedPnL == -decimal(closingFee))
        #expect(opened.realizedPnL == -(decimal(fee) - decimal(closingFee)))
        #expect(realized + opened.realizedPnL == -decimal(fee))
        #expect(opened.quantity == decimal(sold) - decimal(held))
    }

    @Test("a fill of exactly the position's size closes it with the whole fee, without a flip")
    func exactCloseKeepsTheWholeFee() {
        let change = PositionMath.apply(fill(.sell, "3", at: "100", fee: "0.1"), to: position(.long, "3", at: "100", realized: "0"))
        #expect(change == .closed(position(.long, "0", at: "100", realized: "-0.1"), realized: decimal("-0.1")))
    }

    /// (100.00000006 − 100.00000001) × 0.1 = 0.000000005: half a unit of the 8th place rounds up.
    @Test("the price P&L of a reduction is rounded to the nearest 8th decimal")
    func reductionRounding() {
        let change = PositionMath.apply(
            fill(.sell, "0.1", at: "100.00000006", fee: "0"), to: position(.long, "1", at: "100.00000001", realized: "0"))
        #expect(change == .reduced(position(.long, "0.9", at: "100.00000001", realized: "0.00000001"), realized: decimal("0.00000001")))
    }

    // MARK: - Unrealized P&L

    @Test(
        "unrealized P&L is the mark's distance from entry times the quantity, positive when the price moved the position's way",
        arguments: [
            (PositionSide.long, "2", "102", "105.5", "7"),
            (.long, "2", "102", "99", "-6"),
            (.short, "1.5", "200", "190", "15"),
            (.short, "1.5", "200", "210", "-15"),
            (.long, "3", "100", "100", "0"),
            // 0.33333333 × 0.00000003 = 0.0000000099999999 → 0.00000001.
            (.long, "0.33333333", "100", "100.00000003", "0.00000001"),
            (.short, "0.33333333", "100", "100.00000003", "-0.00000001"),
        ] as [(PositionSide, String, String, String, String)]
    )
    func unrealized(side: PositionSide, quantity: String, entry: String, mark: String, expected: String) {
        let state = position(side, quantity, at: entry, realized: "-123.45")
        #expect(state.unrealizedPnL(at: decimal(mark)) == decimal(expected))
    }
}
