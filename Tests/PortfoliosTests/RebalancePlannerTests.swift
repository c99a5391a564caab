import BallastCore
import Foundation
import Testing

@testable import BallastPortfolios

@Suite("The rebalance planner")
struct RebalancePlannerTests {
    static let now = Date(timeIntervalSince1970: 1_796_558_400)

    static func inputs(
        cash: Decimal = 0, holdings: [String: Decimal], weights: [String: Decimal], prices: [String: Decimal],
        settings: RebalanceSettings = RebalanceSettings(driftThreshold: 5, minimumTradeValue: 10)
    ) -> RebalanceInputs {
        RebalanceInputs(
            quoteCurrency: "USD", cash: cash, holdings: holdings, targetWeights: weights,
            prices: prices.mapValues { AssetPrice(price: $0, at: now) }, settings: settings)
    }

    static func decimal(_ text: String) -> Decimal { ExactDecimal.parse(text) ?? .nan }

    @Test("value, weights and drift: 60/40 against 50/50 is 10 points over, outside a 5-point band")
    func drift() throws {
        let report = try RebalancePlanner.drift(
            Self.inputs(holdings: ["BTC": 0.6, "ETH": 10], weights: ["BTC": 50, "ETH": 50], prices: ["BTC": 1_000, "ETH": 40]),
            now: Self.now)
        #expect(report.portfolioValue == 1_000)
        #expect(report.assets.map(\.weight) == [60, 40])
        #expect(report.assets.map(\.drift) == [10, -10])
        #expect(report.maxDrift == 10)
        #expect(report.isOverThreshold)
    }

    @Test(
        "the threshold in points or relative to the weight; the band edges are inside",
        arguments: [
            (Decimal(5), false, Decimal(25), false), (5, false, Decimal(25.0001), true), (25, true, Decimal(25), false),
            (25, true, Decimal(15), false), (25, true, Decimal(14.99), true),
        ] as [(Decimal, Bool, Decimal, Bool)])
    func threshold(threshold: Decimal, relative: Bool, weight: Decimal, over: Bool) throws {
        // BTC at `weight` percent of 100, target 20.
        let settings = RebalanceSettings(driftThreshold: threshold, thresholdIsRelative: relative)
        let report = try RebalancePlanner.drift(
            Self.inputs(
                cash: 100 - weight, holdings: ["BTC": weight], weights: ["BTC": 20, "USD": 80], prices: ["BTC": 1], settings: settings),
            now: Self.now)
        #expect(report.isOverThreshold == over)
    }

    @Test("a full rebalance sells the overweight asset first, then buys with its proceeds, exactly")
    func fullRebalance() throws {
        let plan = try RebalancePlanner.plan(
            Self.inputs(holdings: ["BTC": 0.6, "ETH": 10], weights: ["BTC": 50, "ETH": 50], prices: ["BTC": 1_000, "ETH": 40]),
            now: Self.now)
        #expect(plan.orders.map(\.side) == [.sell, .buy])
        #expect(plan.orders.map(\.asset) == ["BTC", "ETH"])
        #expect(plan.orders.map(\.quantity) == [0.1, 2.5])
        #expect(plan.orders.map(\.value) == [100, 100])
        #expect(plan.cashAfter == 0)
        #expect(plan.totalValueTraded == 200)
    }

    @Test("a difference under the minimum trade value makes no order and is listed as skipped")
    func minimumTrade() throws {
        let plan = try RebalancePlanner.plan(
            Self.inputs(holdings: ["BTC": 0.505, "ETH": 12.375], weights: ["BTC": 50, "ETH": 50], prices: ["BTC": 1_000, "ETH": 40]),
            now: Self.now)
        #expect(plan.orders.isEmpty)
        #expect(plan.skipped.map(\.reason) == ["below the minimum trade value", "below the minimum trade value"])
    }

    @Test("at most maxOrders orders, the largest differences first")
    func maxOrders() throws {
        var settings = RebalanceSettings(driftThreshold: 5, minimumTradeValue: 1)
        settings.maxOrders = 1
        let plan = try RebalancePlanner.plan(
            Self.inputs(
                cash: 1_000, holdings: [:], weights: ["A": 20, "B": 50, "C": 30], prices: ["A": 1, "B": 1, "C": 1], settings: settings),
            now: Self.now)
        #expect(plan.orders.map(\.asset) == ["B"])
        #expect(plan.orders.map(\.value) == [500])
        #expect(Set(plan.skipped.map(\.asset)) == ["A", "C"])
        #expect(plan.skipped.allSatisfy { $0.reason == "over the maximum number of orders" })
    }

    @Test("fees count: buys with fees never spend more cash than there is, and are scaled down together when short")
    func cashLimitedBuysWithFees() throws {
        // 1,000 cash, targets 50/50 of a 1,000 portfolio: 1,000 of buys plus 0.1 % fees is more than the cash.
        let settings = RebalanceSettings(driftThreshold: 5, minimumTradeValue: 1, feeRate: Self.decimal("0.001"))
        let plan = try RebalancePlanner.plan(
            Self.inputs(cash: 1_000, holdings: [:], weights: ["A": 50, "B": 50], prices: ["A": 3, "B": 7], settings: settings),
            now: Self.now)
        #expect(plan.orders.count == 2)
        let spent = plan.orders.reduce(Decimal(0)) { $0 + $1.value + $1.fee }
        #expect(spent <= 1_000)
        #expect(plan.cashAfter == 1_000 - spent)
        #expect(plan.cashAfter >= 0)
        #expect(plan.cashAfter < 1)
        // Each fee is 0.1 % of its order, rounded up to 8 places.
        for order in plan.orders { #expect(order.fee == (order.value * Self.decimal("0.001")).rounded(.up, places: 8)) }
        // Scaled evenly: both buys got the same share of what they wanted.
        let ratios = plan.orders.map { $0.value / 500 }
        #expect(abs(ratios[0] - ratios[1]) < Self.decimal("0.0001"))
    }

    @Test("rebalancing to the band moves an asset only back to the band's edge")
    func bandEdge() throws {
        let settings = RebalanceSettings(driftThreshold: 5, rebalanceTo: .band, minimumTradeValue: 1)
        let plan = try RebalancePlanner.plan(
            Self.inputs(
                holdings: ["BTC": 0.7, "ETH": 7.5], weights: ["BTC": 50, "ETH": 50], prices: ["BTC": 1_000, "ETH": 40], settings: settings),
            now: Self.now)
        // 70/30 of 1,000 with a 5-point band: BTC down to 55 % (sell 150), ETH up to 45 % (buy 150).
        #expect(plan.orders.map(\.value) == [150, 150])
        #expect(plan.orders.map(\.side) == [.sell, .buy])
    }

    @Test("quantities are rounded toward zero at the asset's decimals")
    func rounding() throws {
        var settings = RebalanceSettings(driftThreshold: 5, minimumTradeValue: 1)
        settings.quantityDecimals = ["ETH": 3]
        let plan = try RebalancePlanner.plan(
            Self.inputs(cash: 100, holdings: [:], weights: ["ETH": 100], prices: ["ETH": 3], settings: settings), now: Self.now)
        #expect(plan.orders.first?.quantity == Self.decimal("33.333"))
        #expect(plan.cashAfter == Self.decimal("0.001"))
    }

    @Test("a missing, zero or stale price refuses the plan with the asset named")
    func badPrices() throws {
        #expect(throws: PlanningError.missingPrice(asset: "ETH")) {
            try RebalancePlanner.plan(
                Self.inputs(holdings: ["BTC": 1], weights: ["BTC": 50, "ETH": 50], prices: ["BTC": 1]), now: Self.now)
        }
        #expect(throws: PlanningError.nonPositivePrice(asset: "BTC")) {
            try RebalancePlanner.plan(Self.inputs(holdings: ["BTC": 1], weights: ["BTC": 100], prices: ["BTC": 0]), now: Self.now)
        }
        #expect(throws: PlanningError.stalePrice(asset: "BTC", ageSeconds: 600)) {
            try RebalancePlanner.plan(
                Self.inputs(holdings: ["BTC": 1], weights: ["BTC": 100], prices: ["BTC": 1]), now: Self.now.addingTimeInterval(600),
                maxPriceAge: .seconds(300))
        }
    }

    @Test("an asset held but no longer in the targets is sold")
    func droppedAssetIsSold() throws {
        let plan = try RebalancePlanner.plan(
            Self.inputs(holdings: ["BTC": 1, "DOGE": 1_000], weights: ["BTC": 100], prices: ["BTC": 100, "DOGE": Self.decimal("0.1")]),
            now: Self.now)
        #expect(plan.orders.map { "\($0.side.rawValue) \($0.asset) \($0.quantity)" } == ["sell DOGE 1000", "buy BTC 1"])
    }
}
