import BallastCore
import BallastMarket
import BallastPortfolios
import Foundation

/// The planning half: PORTFOLIOS portfolios of ASSETS assets each, valued and, when drifted past their threshold,
/// planned, one after another on one core, as the drift monitor's pass does. A quarter of them hold their first asset
/// at three times its target share (drifted); the rest sit within 1 % of their targets. The baseline, in the same
/// run: the same portfolios' value summed with Foundation's Decimal (the naive exact way).
func runPlanningPass(environment: [String: String]) {
    let portfolioCount = Int(environment["BENCH_PORTFOLIOS"] ?? "") ?? 100_000
    let assetCount = Int(environment["BENCH_ASSETS"] ?? "") ?? 10

    var generator = SplitMix64(seed: 42)
    let now = Date()
    let assets = (0..<assetCount).map { "A\($0)" }
    let priceUnits = assets.map { _ in Int64.random(in: 100...10_000_000, using: &generator) * 1_000_000 }
    let prices = Dictionary(uniqueKeysWithValues: zip(assets, priceUnits.map { AssetPrice(price: FixedDecimal(units: $0), at: now) }))
    let weight = FixedDecimal(units: 100 * FixedDecimal.unitsPerWhole / Int64(assetCount))
    let weights = Dictionary(uniqueKeysWithValues: assets.map { ($0, weight) })
    let settings = RebalanceSettings(
        driftThreshold: FixedDecimal(units: 5 * FixedDecimal.unitsPerWhole),
        minimumTradeValue: FixedDecimal(units: 10 * FixedDecimal.unitsPerWhole),
        feeRate: FixedDecimal(units: 100_000))
    let portfolios: [RebalanceInputs] = (0..<portfolioCount).map { index in
        // Each asset worth about 10,000 (within 1 %), the first three times that in a quarter of the portfolios.
        let holdings = Dictionary(
            uniqueKeysWithValues: zip(assets, priceUnits).map { asset, price in
                let worth = Int128(10_000 + Int.random(in: -100...100, using: &generator)) * (index % 4 == 0 && asset == "A0" ? 3 : 1)
                let units = worth * 100_000_000 * 100_000_000 / Int128(price)
                return (asset, FixedDecimal(units: Int64(units)))
            })
        return RebalanceInputs(
            quoteCurrency: "USD", cash: .zero, holdings: holdings, targetWeights: weights, prices: prices, settings: settings)
    }

    let stopwatch = ContinuousClock()
    var total = Decimal(0)
    let baseline = stopwatch.measure {
        for portfolio in portfolios {
            var value = Decimal(0)
            for (asset, quantity) in portfolio.holdings {
                value += Decimal(quantity.units) * Decimal(portfolio.prices[asset]?.price.units ?? 0)
            }
            total += value
        }
    }

    var drifted = 0
    var orders = 0
    var failures = 0
    let cpuBefore = clock()
    let pass = stopwatch.measure {
        for portfolio in portfolios {
            do {
                guard try RebalancePlanner.isOverThreshold(portfolio, now: now) else { continue }
                drifted += 1
                orders += try RebalancePlanner.plan(portfolio, now: now).orders.count
            } catch {
                failures += 1
            }
        }
    }
    let cpuSeconds = Double(clock() - cpuBefore) / Double(CLOCKS_PER_SEC)

    print("portfolios \(portfolioCount) assets \(assetCount)")
    print(String(format: "baseline_decimal_valuation_seconds %.3f", baseline.inSeconds))
    print(String(format: "drift_scan_and_plan_seconds %.3f (target < 2 for 100,000 x 10)", pass.inSeconds))
    print(String(format: "ratio_to_baseline %.2f", pass.inSeconds / baseline.inSeconds))
    print(String(format: "cpu_us_per_portfolio %.1f", cpuSeconds * 1e6 / Double(portfolioCount)))
    print("drifted \(drifted) orders_planned \(orders) failures \(failures) (checksum \(total > 0))")
}
