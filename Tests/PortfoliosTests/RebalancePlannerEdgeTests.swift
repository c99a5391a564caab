import BallastCore
import BallastMarket
import Foundation
import Testing

@testable import BallastPortfolios

/// The cases a review found: cheap assets with fees, inputs that must be refused rather than trap, the band edge
/// after rounding and fees, and `maxOrders` with a buy that cannot be paid for.
@Suite("The rebalance planner at its edges")
struct RebalancePlannerEdgeTests {
    typealias Base = RebalancePlannerTests

    @Test("a buy of an asset priced far under 1, with fees, is made from cash instead of skipped")
    func cheapAssetWithFees() throws {
        let plan = try RebalancePlanner.plan(
            Base.inputs(
                cash: "100", holdings: [:], weights: ["SHIB": "60", "PEPE": "40"], prices: ["SHIB": "0.00001234", "PEPE": "0.00000077"],
                settings: Base.settings(fee: "0.001")),
            now: Base.now)
        #expect(plan.orders.map(\.asset).sorted() == ["PEPE", "SHIB"])
        #expect(plan.cashAfter.units >= 0)
        #expect(plan.cashAfter.units < 100_000_000 * 100_000_000 / 10)
    }

    /// A field and a bad value for it.
    static func spoil(_ inputs: inout RebalanceInputs, _ change: String) {
        switch change {
        case "negative threshold": inputs.settings.driftThreshold = Base.fixed("-1")
        case "weights beyond 0...100": inputs.targetWeights = ["BTC": Base.fixed("150"), "ETH": Base.fixed("-50")]
        case "negative cash": inputs.cash = Base.fixed("-99.99999999")
        case "negative holding": inputs.holdings["BTC"] = Base.fixed("-1")
        case "fee of 10": inputs.settings.feeRate = Base.fixed("10")
        case "negative fee": inputs.settings.feeRate = Base.fixed("-0.001")
        case "12 decimals": inputs.settings.quantityDecimals = ["BTC": 12]
        case "negative maxOrders": inputs.settings.maxOrders = -1
        default: inputs.settings.minimumTradeValue = Base.fixed("-5")
        }
    }

    @Test(
        "inputs a plan cannot be made from are refused naming the field, never a trap",
        arguments: [
            ("negative threshold", "driftThreshold"), ("weights beyond 0...100", "targetWeights.BTC"), ("negative cash", "cash"),
            ("negative holding", "holdings.BTC"), ("fee of 10", "feeRate"), ("negative fee", "feeRate"),
            ("12 decimals", "quantityDecimals.BTC"),
            ("negative maxOrders", "maxOrders"), ("negative minimum", "minimumTradeValue"),
        ])
    func invalidInputs(change: String, field: String) throws {
        var inputs = Base.inputs(holdings: ["BTC": "1"], weights: ["BTC": "50", "ETH": "50"], prices: ["BTC": "100", "ETH": "10"])
        Self.spoil(&inputs, change)
        #expect(throws: PlanningError.self) { try RebalancePlanner.drift(inputs, now: Base.now) }
        do {
            _ = try RebalancePlanner.plan(inputs, now: Base.now)
            Issue.record("no error for \(change)")
        } catch {
            guard case .invalidInput(let named, _) = error else {
                Issue.record("\(error) for \(change)")
                return
            }
            #expect(named == field)
        }
    }

    @Test("values past the exact range are an error, not a trap")
    func hugeValues() throws {
        let most = FixedDecimal(units: .max).description
        let inputs = Base.inputs(
            holdings: ["A": most, "B": most, "C": most], weights: ["A": "30", "B": "30", "C": "40"],
            prices: ["A": most, "B": most, "C": most])
        #expect(throws: PlanningError.self) { try RebalancePlanner.plan(inputs, now: Base.now) }
        #expect(throws: PlanningError.self) { try RebalancePlanner.drift(inputs, now: Base.now) }
    }

    @Test("rebalancing to the band leaves the asset inside its band, after lot rounding and fees")
    func bandPlanEndsInsideTheBand() throws {
        var settings = Base.settings(fee: "0.001", to: .band)
        settings.quantityDecimals = ["BTC": 4]
        let inputs = Base.inputs(
            cash: "1000", holdings: ["BTC": "0.3"], weights: ["BTC": "50", "USD": "50"], prices: ["BTC": "60000.12"], settings: settings)
        let plan = try RebalancePlanner.plan(inputs, now: Base.now)
        var after = inputs
        for order in plan.orders {
            let held = after.holdings[order.asset]?.units ?? 0
            after.holdings[order.asset] = FixedDecimal(units: held + (order.side == .buy ? order.quantity.units : -order.quantity.units))
        }
        after.cash = FixedDecimal(units: Int64(plan.cashAfter.units / 100_000_000))
        #expect(try RebalancePlanner.isOverThreshold(after, now: Base.now) == false)
    }

    @Test("maxOrders gives no slot to a buy that cannot be paid for: the sell that funds it comes first")
    func maxOrdersSkipsUnfundedBuys() throws {
        var settings = Base.settings()
        settings.maxOrders = 1
        let plan = try RebalancePlanner.plan(
            Base.inputs(
                holdings: ["A": "0", "B": "60", "C": "40"], weights: ["A": "30", "B": "40", "C": "30"],
                prices: ["A": "1", "B": "1", "C": "1"],
                settings: settings),
            now: Base.now)
        #expect(plan.orders.count == 1)
        #expect(plan.orders.first?.side == .sell)
    }

    @Test("a sell that rounds to less than the minimum trade value is skipped with that reason")
    func smallSellAfterRounding() throws {
        var settings = Base.settings(minimum: "10")
        settings.quantityDecimals = ["A": 0]
        let plan = try RebalancePlanner.plan(
            // A is 60 of 60; its target 82 % is 49.2, a difference of 10.8, but whole units of 6 sell only 6.
            Base.inputs(
                cash: "0", holdings: ["A": "10", "B": "0"], weights: ["A": "82", "B": "18"], prices: ["A": "6", "B": "1"],
                settings: settings),
            now: Base.now)
        #expect(!plan.orders.contains { $0.asset == "A" })
        #expect(plan.skipped.first { $0.asset == "A" }?.reason == "below the minimum trade value")
    }
}
