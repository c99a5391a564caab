import Foundation
import Testing

@testable import BallastTrading

@Suite("Execution pricing")
struct ExecutionPricingTests {
    /// Taker 10 bps, maker 2 bps, slippage 5 bps: round numbers, so every expectation can be worked out by hand.
    let pricing = ExecutionPricing(takerFeeBps: decimal("10"), makerFeeBps: decimal("2"), slippageBps: decimal("5"))

    @Test(
        "slippage moves a taker's price against it: a buy pays more, a sell receives less",
        arguments: [
            (OrderSide.buy, "100", "100.05"),
            (.sell, "100", "99.95"),
            (.buy, "97000.5", "97049.00025"),
            (.sell, "97000.5", "96951.99975"),
        ] as [(OrderSide, String, String)]
    )
    func slippage(side: OrderSide, reference: String, expected: String) {
        #expect(pricing.takerPrice(side, reference: decimal(reference)) == decimal(expected))
    }

    /// 123.45678901 × 1.0005 = 123.518517404505 and × 0.9995 = 123.395060615495: both need rounding, each against the trader.
    @Test("a slipped buy price rounds up and a slipped sell price rounds down at the 8th decimal")
    func slippedPricesRoundAgainstTheTrader() {
        let reference = decimal("123.45678901")
        #expect(pricing.takerPrice(.buy, reference: reference) == decimal("123.51851741"))
        #expect(pricing.takerPrice(.sell, reference: reference) == decimal("123.39506061"))
    }

    @Test("without slippage a taker gets the reference price on both sides", arguments: OrderSide.allCases)
    func noSlippage(side: OrderSide) {
        let pricing = ExecutionPricing(takerFeeBps: decimal("10"), makerFeeBps: decimal("2"), slippageBps: 0)
        #expect(pricing.takerPrice(side, reference: decimal("123.45678901")) == decimal("123.45678901"))
    }

    @Test(
        "fees are the liquidity's share of the notional",
        arguments: [
            ("0.5", "100.05", Liquidity.taker, "0.050025"),
            ("0.5", "100.05", .maker, "0.010005"),
            ("2", "97000.5", .taker, "194.001"),
            ("2", "97000.5", .maker, "38.8002"),
        ] as [(String, String, Liquidity, String)]
    )
    func fees(quantity: String, price: String, liquidity: Liquidity, expected: String) {
        #expect(pricing.fee(quantity: decimal(quantity), price: decimal(price), liquidity: liquidity) == decimal(expected))
    }

    /// 0.000001 × 1 × 0.001 = 0.000000001: below the 8th place, yet a venue would still charge its smallest unit.
    @Test("a fee below the 8th decimal rounds up to 0.00000001, never down to nothing")
    func tinyFeeRoundsUp() {
        #expect(pricing.fee(quantity: decimal("0.000001"), price: decimal("1"), liquidity: .taker) == decimal("0.00000001"))
        // 0.12345123 × 1 × 0.001 = 0.00012345123 → up, where rounding to the nearest would give 0.00012345.
        #expect(pricing.fee(quantity: decimal("0.12345123"), price: decimal("1"), liquidity: .taker) == decimal("0.00012346"))
    }

    @Test("a fee that is already exact at 8 decimals is left alone, and a zero rate charges nothing")
    func exactAndZeroFees() {
        #expect(pricing.fee(quantity: decimal("1"), price: decimal("0.01"), liquidity: .taker) == decimal("0.00001"))
        let free = ExecutionPricing(takerFeeBps: 0, makerFeeBps: 0, slippageBps: 0)
        #expect(free.fee(quantity: decimal("3"), price: decimal("97000.5"), liquidity: .taker) == 0)
        #expect(free.fee(quantity: decimal("3"), price: decimal("97000.5"), liquidity: .maker) == 0)
    }

    /// 0.12345679 × 100.05 = 12.3518518395 → 12.35185184; its taker fee 0.0123518518395 → 0.01235186.
    @Test("a buy reserves its notional and its taker fee, each rounded up")
    func buyReservation() {
        #expect(pricing.buyReservation(quantity: decimal("0.12345679"), price: decimal("100.05")) == decimal("12.3642037"))
        #expect(pricing.buyReservation(quantity: decimal("2"), price: decimal("100")) == decimal("200.2"))
    }

    @Test("the reservation holds the taker fee even when the fill may rest as a maker")
    func reservationUsesTheTakerRate() {
        let reservation = pricing.buyReservation(quantity: decimal("2"), price: decimal("100"))
        let makerCost = decimal("200") + pricing.fee(quantity: decimal("2"), price: decimal("100"), liquidity: .maker)
        #expect(reservation > makerCost)
    }

    @Test("rounding helpers keep 8 places in the requested direction")
    func roundingHelpers() {
        #expect(decimal("0.000000005").rounded() == decimal("0.00000001"))
        #expect(decimal("0.0000000049").rounded() == 0)
        #expect(decimal("0.000000001").rounded(.up) == decimal("0.00000001"))
        #expect(decimal("0.000000019").rounded(.down) == decimal("0.00000001"))
        #expect(Decimal.basisPoints(decimal("10")) == decimal("0.001"))
        #expect(decimal("0.00000001").plainText == "0.00000001")
    }
}
