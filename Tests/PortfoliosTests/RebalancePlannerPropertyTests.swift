import BallastCore
import Foundation
import PropertyBased
import Testing

@testable import BallastPortfolios

/// Random portfolios: whatever they hold, a plan never spends more than the cash it has, never sells more than is
/// held, and a full rebalance lands every weight on its target within the rounding of one lot.
@Suite("The rebalance planner on random portfolios")
struct RebalancePlannerPropertyTests {
    struct Portfolio: Sendable, CustomStringConvertible {
        var inputs: RebalanceInputs
        var description: String {
            "cash \(inputs.cash), holdings \(inputs.holdings), weights \(inputs.targetWeights), prices \(inputs.prices.mapValues(\.price))"
        }
    }

    /// 1 to 8 assets with prices from 0.01 to 100,000, holdings up to 1,000 units, cash up to 1,000,000, and target
    /// weights in hundredths of a percent that sum to 100.
    static func portfolio(feeRate: Decimal) -> Generator<Portfolio, Shrink.None<Portfolio>> {
        Generator { rng in
            let count = Int.random(in: 1...8, using: &rng)
            let names = (0..<count).map { "A\($0)" }
            var cuts = (0..<(count - 1)).map { _ in Int.random(in: 0...10_000, using: &rng) }.sorted()
            cuts = [0] + cuts + [10_000]
            var weights: [String: Decimal] = [:]
            var prices: [String: AssetPrice] = [:]
            var holdings: [String: Decimal] = [:]
            for (index, name) in names.enumerated() {
                weights[name] = Decimal(cuts[index + 1] - cuts[index]) / 100
                prices[name] = AssetPrice(
                    price: Decimal(Int.random(in: 1...10_000_000, using: &rng)) / 100, at: Date(timeIntervalSince1970: 0))
                if Bool.random(using: &rng) { holdings[name] = Decimal(Int.random(in: 0...1_000_000, using: &rng)) / 1_000 }
            }
            let cash = Decimal(Int.random(in: 0...100_000_000, using: &rng)) / 100
            let settings = RebalanceSettings(driftThreshold: 5, minimumTradeValue: 0, feeRate: feeRate)
            return Portfolio(
                inputs: RebalanceInputs(
                    quoteCurrency: "USD", cash: cash, holdings: holdings, targetWeights: weights, prices: prices, settings: settings))
        } shrink: { _ in
            Shrink.None()
        }
    }

    @Test("cash never goes below zero and no sell exceeds the holding, with fees")
    func neverNegativeCash() async {
        await propertyCheck(count: 2_000, input: Self.portfolio(feeRate: 0.001)) { portfolio in
            let plan = try? RebalancePlanner.plan(portfolio.inputs, now: Date(timeIntervalSince1970: 0))
            guard let plan else {
                Issue.record("no plan for \(portfolio)")
                return
            }
            #expect(plan.cashAfter >= 0, "\(portfolio)")
            var cash = portfolio.inputs.cash
            for order in plan.orders {
                cash += order.side == .sell ? order.value - order.fee : -(order.value + order.fee)
                if order.side == .sell { #expect(order.quantity <= portfolio.inputs.holdings[order.asset] ?? 0) }
                #expect(order.quantity > 0)
            }
            #expect(cash == plan.cashAfter)
            // Deterministic: the same inputs, the same plan.
            #expect((try? RebalancePlanner.plan(portfolio.inputs, now: Date(timeIntervalSince1970: 0))) == plan)
        }
    }

    @Test("without fees or a minimum, a full rebalance puts every weight within one lot of its target")
    func fullRebalanceReachesTheTargets() async {
        await propertyCheck(count: 2_000, input: Self.portfolio(feeRate: 0)) { portfolio in
            let inputs = portfolio.inputs
            guard let plan = try? RebalancePlanner.plan(inputs, now: Date(timeIntervalSince1970: 0)), plan.before.portfolioValue > 1 else {
                return
            }
            var holdings = inputs.holdings
            for order in plan.orders {
                holdings[order.asset, default: 0] += order.side == .buy ? order.quantity : -order.quantity
            }
            let after = RebalanceInputs(
                quoteCurrency: inputs.quoteCurrency, cash: plan.cashAfter, holdings: holdings, targetWeights: inputs.targetWeights,
                prices: inputs.prices, settings: inputs.settings)
            guard let report = try? RebalancePlanner.drift(after, now: Date(timeIntervalSince1970: 0)) else { return }
            for asset in report.assets {
                // One lot (1e-8) of the asset, and the buys' shared rounding, as percent of the portfolio.
                let lot = (inputs.prices[asset.asset]?.price ?? 0) / 100_000_000 * Decimal(inputs.targetWeights.count + 1)
                let tolerance = lot / report.portfolioValue * 100 + Decimal(string: "0.0002")!
                #expect(abs(asset.drift) <= tolerance, "\(asset.asset): drift \(asset.drift) in \(portfolio)")
            }
        }
    }
}
