import BallastCore
import BallastMarket
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
    static func portfolio(feeRate: FixedDecimal) -> Generator<Portfolio, Shrink.None<Portfolio>> {
        Generator { rng in
            let count = Int.random(in: 1...8, using: &rng)
            let names = (0..<count).map { "A\($0)" }
            var cuts = (0..<(count - 1)).map { _ in Int.random(in: 0...10_000, using: &rng) }.sorted()
            cuts = [0] + cuts + [10_000]
            var weights: [String: FixedDecimal] = [:]
            var prices: [String: AssetPrice] = [:]
            var holdings: [String: FixedDecimal] = [:]
            for (index, name) in names.enumerated() {
                weights[name] = FixedDecimal(units: Int64(cuts[index + 1] - cuts[index]) * 1_000_000)
                prices[name] = AssetPrice(
                    price: FixedDecimal(units: Int64.random(in: 1...10_000_000, using: &rng) * 1_000_000),
                    at: Date(timeIntervalSince1970: 0))
                if Bool.random(using: &rng) { holdings[name] = FixedDecimal(units: Int64.random(in: 0...1_000_000, using: &rng) * 100_000) }
            }
            let cash = FixedDecimal(units: Int64.random(in: 0...100_000_000, using: &rng) * 1_000_000)
            let settings = RebalanceSettings(driftThreshold: FixedDecimal(units: 500_000_000), minimumTradeValue: .zero, feeRate: feeRate)
            return Portfolio(
                inputs: RebalanceInputs(
                    quoteCurrency: "USD", cash: cash, holdings: holdings, targetWeights: weights, prices: prices, settings: settings))
        } shrink: { _ in
            Shrink.None()
        }
    }

    @Test("cash never goes below zero and no sell exceeds the holding, with fees")
    func neverNegativeCash() async {
        await propertyCheck(count: 2_000, input: Self.portfolio(feeRate: FixedDecimal(units: 100_000))) { portfolio in
            let plan = try? RebalancePlanner.plan(portfolio.inputs, now: Date(timeIntervalSince1970: 0))
            guard let plan else {
                Issue.record("no plan for \(portfolio)")
                return
            }
            #expect(plan.cashAfter.units >= 0, "\(portfolio)")
            var cash = Int128(portfolio.inputs.cash.units) * 100_000_000
            for order in plan.orders {
                let fee = Int128(order.fee.units) * 100_000_000
                cash += order.side == .sell ? order.value.units - fee : -(order.value.units + fee)
                if order.side == .sell { #expect(order.quantity <= portfolio.inputs.holdings[order.asset] ?? .zero) }
                #expect(order.quantity.units > 0)
            }
            #expect(cash == plan.cashAfter.units)
            // Deterministic: the same inputs, the same plan.
            #expect((try? RebalancePlanner.plan(portfolio.inputs, now: Date(timeIntervalSince1970: 0))) == plan)
        }
    }

    @Test("without fees or a minimum, a full rebalance puts every weight within one lot of its target")
    func fullRebalanceReachesTheTargets() async {
        await propertyCheck(count: 2_000, input: Self.portfolio(feeRate: .zero)) { portfolio in
            let inputs = portfolio.inputs
            guard let plan = try? RebalancePlanner.plan(inputs, now: Date(timeIntervalSince1970: 0)),
                plan.before.portfolioValue.units > 100_000_000 * 100_000_000
            else {
                return
            }
            var holdings = inputs.holdings
            for order in plan.orders {
                let held = holdings[order.asset]?.units ?? 0
                holdings[order.asset] = FixedDecimal(units: held + (order.side == .buy ? order.quantity.units : -order.quantity.units))
            }
            // Cash after is whole 1e-8 units here: no fees, and a price times a quantity of 8 places each.
            let cashAfter = FixedDecimal(units: Int64(plan.cashAfter.units / 100_000_000))
            let after = RebalanceInputs(
                quoteCurrency: inputs.quoteCurrency, cash: cashAfter, holdings: holdings, targetWeights: inputs.targetWeights,
                prices: inputs.prices, settings: inputs.settings)
            let report: DriftReport
            do {
                report = try RebalancePlanner.drift(after, now: Date(timeIntervalSince1970: 0))
            } catch {
                Issue.record("\(error) for the portfolio after its plan, \(portfolio)")
                return
            }
            let value = Double(report.portfolioValue.units) / 1e16
            for asset in report.assets {
                // A few lots (1e-8) of the asset as percent of the portfolio, and the 1e-8 % truncation of weights.
                let lot = Double(inputs.prices[asset.asset]?.price.units ?? 0) / 1e8 / 1e8 * Double(inputs.targetWeights.count + 1)
                let tolerance = lot / value * 100 + 0.0002
                #expect(abs(Double(asset.drift.units) / 1e8) <= tolerance, "\(asset.asset): drift \(asset.drift) in \(portfolio)")
            }
        }
    }

    /// Sold assets only: buys may be scaled down when the band edges ask for more than the cash (a band plan moves
    /// assets only to their edges, so their sum can pass 100 %), which leaves a bought asset short of its edge.
    @Test("rebalancing to the band, with fees and rounding, brings every sold asset back inside its band")
    func bandRebalanceEndsInsideTheBands() async {
        await propertyCheck(count: 2_000, input: Self.portfolio(feeRate: FixedDecimal(units: 100_000))) { portfolio in
            var inputs = portfolio.inputs
            inputs.settings.rebalanceTo = .band
            guard let plan = try? RebalancePlanner.plan(inputs, now: Date(timeIntervalSince1970: 0)),
                plan.before.portfolioValue.units > 1_000 * 100_000_000 * 100_000_000
            else { return }
            var after = inputs
            for order in plan.orders {
                let held = after.holdings[order.asset]?.units ?? 0
                after.holdings[order.asset] = FixedDecimal(
                    units: held + (order.side == .buy ? order.quantity.units : -order.quantity.units))
            }
            after.cash = FixedDecimal(units: Int64(plan.cashAfter.units / 100_000_000))
            guard let report = try? RebalancePlanner.drift(after, now: Date(timeIntervalSince1970: 0)) else {
                Issue.record("no report after the plan of \(portfolio)")
                return
            }
            let sold = Set(plan.orders.filter { $0.side == .sell }.map(\.asset))
            for asset in report.assets where sold.contains(asset.asset) {
                #expect(!asset.isOverThreshold, "\(asset.asset) at \(asset.weight) % after its sell, in \(portfolio)")
            }
        }
    }
}
