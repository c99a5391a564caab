import BallastCore
import BallastMarket
import Foundation
import Testing

@testable import BallastPortfolios

@Suite("The rebalance planner")
struct RebalancePlannerTests {
    static let now = Date(timeIntervalSince1970: 1_796_558_400)

    static func inputs(
        cash: String = "0", holdings: [String: String], weights: [String: String], prices: [String: String],
        settings: RebalanceSettings = RebalanceSettings(driftThreshold: fixed("5"), minimumTradeValue: fixed("10"))
    ) -> RebalanceInputs {
        RebalanceInputs(
            quoteCurrency: "USD", cash: fixed(cash), holdings: holdings.mapValues(fixed), targetWeights: weights.mapValues(fixed),
            prices: prices.mapValues { AssetPrice(price: fixed($0), at: now) }, settings: settings)
    }

    static func fixed(_ text: String) -> FixedDecimal { FixedDecimal(text) ?? FixedDecimal(units: .min) }

    static func settings(
        threshold: String = "5", minimum: String = "1", fee: String = "0", to target: RebalanceTarget = .target
    )
        -> RebalanceSettings
    {
        RebalanceSettings(driftThreshold: fixed(threshold), rebalanceTo: target, minimumTradeValue: fixed(minimum), feeRate: fixed(fee))
    }

    @Test("value, weights and drift: 60/40 against 50/50 is 10 points over, outside a 5-point band")
    func drift() throws {
        let report = try RebalancePlanner.drift(
            Self.inputs(
                holdings: ["BTC": "0.6", "ETH": "10"], weights: ["BTC": "50", "ETH": "50"], prices: ["BTC": "1000", "ETH": "40"]),
            now: Self.now)
        #expect(report.portfolioValue.description == "1000")
        #expect(report.assets.map(\.weight.description) == ["60", "40"])
        #expect(report.assets.map(\.drift.description) == ["10", "-10"])
        #expect(report.maxDrift.description == "10")
        #expect(report.isOverThreshold)
    }

    @Test(
        "the threshold in points or relative to the weight; the band edges are inside",
        arguments: [
            ("5", false, "25", false), ("5", false, "25.0001", true), ("25", true, "25", false), ("25", true, "15", false),
            ("25", true, "14.99", true),
        ])
    func threshold(threshold: String, relative: Bool, weight: String, over: Bool) throws {
        // BTC at `weight` percent of 100, target 20.
        let settings = RebalanceSettings(driftThreshold: Self.fixed(threshold), thresholdIsRelative: relative)
        let cash = FixedDecimal(units: 100 * FixedDecimal.unitsPerWhole - Self.fixed(weight).units)
        let inputs = Self.inputs(
            cash: cash.description, holdings: ["BTC": weight], weights: ["BTC": "20", "USD": "80"], prices: ["BTC": "1"], settings: settings
        )
        #expect(try RebalancePlanner.drift(inputs, now: Self.now).isOverThreshold == over)
        #expect(try RebalancePlanner.isOverThreshold(inputs, now: Self.now) == over)
    }

    @Test("a full rebalance sells the overweight asset first, then buys with its proceeds, exactly")
    func fullRebalance() throws {
        let plan = try RebalancePlanner.plan(
            Self.inputs(
                holdings: ["BTC": "0.6", "ETH": "10"], weights: ["BTC": "50", "ETH": "50"], prices: ["BTC": "1000", "ETH": "40"]),
            now: Self.now)
        #expect(
            plan.orders.map { "\($0.side.rawValue) \($0.quantity) \($0.asset) for \($0.value)" } == [
                "sell 0.1 BTC for 100", "buy 2.5 ETH for 100",
            ])
        #expect(plan.cashAfter.description == "0")
        #expect(plan.totalValueTraded.description == "200")
    }

    @Test("a difference under the minimum trade value makes no order and is listed as skipped")
    func minimumTrade() throws {
        let plan = try RebalancePlanner.plan(
            Self.inputs(
                holdings: ["BTC": "0.505", "ETH": "12.375"], weights: ["BTC": "50", "ETH": "50"], prices: ["BTC": "1000", "ETH": "40"]),
            now: Self.now)
        #expect(plan.orders.isEmpty)
        #expect(plan.skipped.map(\.reason) == ["below the minimum trade value", "below the minimum trade value"])
    }

    @Test("at most maxOrders orders, the largest differences first")
    func maxOrders() throws {
        var settings = Self.settings()
        settings.maxOrders = 1
        let plan = try RebalancePlanner.plan(
            Self.inputs(
                cash: "1000", holdings: [:], weights: ["A": "20", "B": "50", "C": "30"], prices: ["A": "1", "B": "1", "C": "1"],
                settings: settings),
            now: Self.now)
        #expect(plan.orders.map { "\($0.asset) \($0.value)" } == ["B 500"])
        #expect(Set(plan.skipped.map(\.asset)) == ["A", "C"])
        #expect(plan.skipped.allSatisfy { $0.reason == "over the maximum number of orders" })
    }

    @Test("fees count: buys with fees never spend more cash than there is, and are scaled down together when short")
    func cashLimitedBuysWithFees() throws {
        // 1,000 cash, targets 50/50 of a 1,000 portfolio: 1,000 of buys plus 0.1 % fees is more than the cash.
        let plan = try RebalancePlanner.plan(
            Self.inputs(
                cash: "1000", holdings: [:], weights: ["A": "50", "B": "50"], prices: ["A": "3", "B": "7"],
                settings: Self.settings(fee: "0.001")),
            now: Self.now)
        #expect(plan.orders.count == 2)
        let spent = plan.orders.reduce(Int128(0)) { $0 + $1.value.units + Int128($1.fee.units) * 100_000_000 }
        let thousand: Int128 = 1_000 * 100_000_000 * 100_000_000
        let one: Int128 = 100_000_000 * 100_000_000
        #expect(spent <= thousand)
        #expect(plan.cashAfter.units == thousand - spent)
        #expect(plan.cashAfter.units >= 0)
        #expect(plan.cashAfter.units < one)
        // Each fee is 0.1 % of its order, rounded up to 8 places.
        for order in plan.orders {
            let exact = order.value.units * 100_000 / 100_000_000
            let fee = Int128(order.fee.units) * 100_000_000
            #expect(fee >= exact && fee - exact < 100_000_000)
        }
        // Scaled evenly: both buys got nearly the same share of the 500 each wanted.
        let shares = plan.orders.map { Double($0.value.units) / 5e18 }
        #expect(abs(shares[0] - shares[1]) < 0.0001)
    }

    @Test("rebalancing to the band moves an asset only back inside the band's edge (a twentieth of its width inside)")
    func bandEdge() throws {
        let plan = try RebalancePlanner.plan(
            Self.inputs(
                holdings: ["BTC": "0.7", "ETH": "7.5"], weights: ["BTC": "50", "ETH": "50"], prices: ["BTC": "1000", "ETH": "40"],
                settings: Self.settings(to: .band)),
            now: Self.now)
        // 70/30 of 1,000 with a 5-point band (45 to 55): BTC down to 54.5 % (sell 155), ETH up to 45.5 % (buy 155).
        #expect(plan.orders.map { "\($0.side.rawValue) \($0.value)" } == ["sell 155", "buy 155"])
    }

    @Test("quantities are rounded toward zero at the asset's decimals")
    func rounding() throws {
        var settings = Self.settings()
        settings.quantityDecimals = ["ETH": 3]
        let plan = try RebalancePlanner.plan(
            Self.inputs(cash: "100", holdings: [:], weights: ["ETH": "100"], prices: ["ETH": "3"], settings: settings), now: Self.now)
        #expect(plan.orders.first?.quantity.description == "33.333")
        #expect(plan.cashAfter.description == "0.001")
    }

    @Test("a missing, zero or stale price refuses the plan with the asset named")
    func badPrices() throws {
        #expect(throws: PlanningError.missingPrice(asset: "ETH")) {
            try RebalancePlanner.plan(
                Self.inputs(holdings: ["BTC": "1"], weights: ["BTC": "50", "ETH": "50"], prices: ["BTC": "1"]), now: Self.now)
        }
        #expect(throws: PlanningError.nonPositivePrice(asset: "BTC")) {
            try RebalancePlanner.plan(Self.inputs(holdings: ["BTC": "1"], weights: ["BTC": "100"], prices: ["BTC": "0"]), now: Self.now)
        }
        #expect(throws: PlanningError.stalePrice(asset: "BTC", ageSeconds: 600)) {
            try RebalancePlanner.plan(
                Self.inputs(holdings: ["BTC": "1"], weights: ["BTC": "100"], prices: ["BTC": "1"]), now: Self.now.addingTimeInterval(600),
                maxPriceAge: .seconds(300))
        }
    }

    @Test("an asset held but no longer in the targets is sold")
    func droppedAssetIsSold() throws {
        let plan = try RebalancePlanner.plan(
            Self.inputs(holdings: ["BTC": "1", "DOGE": "1000"], weights: ["BTC": "100"], prices: ["BTC": "100", "DOGE": "0.1"]),
            now: Self.now)
        #expect(plan.orders.map { "\($0.side.rawValue) \($0.asset) \($0.quantity)" } == ["sell DOGE 1000", "buy BTC 1"])
    }
}
