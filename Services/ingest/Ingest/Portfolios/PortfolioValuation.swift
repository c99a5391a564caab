import BallastMarket
import BallastPortfolios
import Foundation

/// A portfolio valued at the last prices, as `GET /api/v1/portfolios/{id}` (its `valuation`) and `GET …/{id}/drift`
/// answer it. When the planner can value it, the figures are the planner's, the ones a rebalance would start from.
/// When it cannot (a price missing, not above 0, or older than allowed), the answer still shows what is known: each
/// asset's quantity and price, a value where one can be given, and under `problem` why the rest is missing.
struct PortfolioValuation: Encodable, Sendable {
    struct Holding: Encodable, Sendable {
        var asset: String
        var quantity: FixedDecimal
        var price: FixedDecimal?
        /// When the price was traded (market-data's `ballast:price-time:<SYMBOL>`).
        var priceAt: Date?
        var value: WideDecimal?
        /// Percent of the portfolio's value.
        var weight: FixedDecimal?
        var targetWeight: FixedDecimal
        /// `weight − targetWeight`, in percentage points.
        var drift: FixedDecimal?
        var overThreshold: Bool?
        var problem: String?
    }

    var valuedAt: Date
    /// Whether every figure could be given; false means the planner refuses this portfolio as it is (`problems`).
    var priced: Bool
    var value: WideDecimal?
    var cash: FixedDecimal
    var cashWeight: FixedDecimal?
    var cashTargetWeight: FixedDecimal
    var assets: [Holding]
    var maxDrift: FixedDecimal?
    var overThreshold: Bool?
    var problems: [String]

    /// `inputs` valued at `now`; a price older than `maxPriceAge` counts as missing (nil: any age will do).
    init(_ inputs: RebalanceInputs, now: Date, maxPriceAge: Duration?) {
        valuedAt = now
        cash = inputs.cash
        cashTargetWeight = inputs.targetWeights[inputs.quoteCurrency] ?? .zero
        do {
            let report = try RebalancePlanner.drift(inputs, now: now, maxPriceAge: maxPriceAge)
            priced = true
            value = report.portfolioValue
            cashWeight = report.cashWeight
            assets = report.assets.map { drift in
                let price = inputs.prices[drift.asset]
                return Holding(
                    asset: drift.asset, quantity: drift.quantity, price: price?.price, priceAt: price?.at, value: drift.value,
                    weight: drift.weight, targetWeight: drift.targetWeight, drift: drift.drift, overThreshold: drift.isOverThreshold)
            }
            maxDrift = report.maxDrift
            overThreshold = report.isOverThreshold
            problems = []
        } catch {
            priced = false
            assets = Self.partialHoldings(inputs, now: now, maxPriceAge: maxPriceAge)
            var problems = assets.compactMap(\.problem)
            if !problems.contains(error.description) { problems.append(error.description) }
            self.problems = problems
            // A total only when every asset held has a value; an asset not held is worth nothing, priced or not.
            let values = assets.map { $0.quantity == .zero ? WideDecimal.zero : $0.value }
            guard !values.contains(nil) else { return }
            let total = values.reduce(WideDecimal(inputs.cash)) { $0 + ($1 ?? .zero) }
            value = total
            guard total > .zero else { return }
            cashWeight = Self.percent(WideDecimal(inputs.cash), of: total)
            for index in assets.indices {
                let weight = Self.percent(values[index] ?? .zero, of: total)
                assets[index].weight = weight
                assets[index].drift = weight.map { FixedDecimal(units: $0.units - assets[index].targetWeight.units) }
            }
        }
    }

    /// Each asset with what is known of it, when the planner refused the whole.
    private static func partialHoldings(_ inputs: RebalanceInputs, now: Date, maxPriceAge: Duration?) -> [Holding] {
        let held = inputs.holdings.filter { $0.value != .zero }.map(\.key)
        let assets = Set(inputs.targetWeights.keys).union(held).subtracting([inputs.quoteCurrency]).sorted()
        return assets.map { asset in
            let quantity = inputs.holdings[asset] ?? .zero
            var holding = Holding(asset: asset, quantity: quantity, targetWeight: inputs.targetWeights[asset] ?? .zero)
            guard let price = inputs.prices[asset] else {
                holding.problem = "no price for \(asset)"
                return holding
            }
            holding.price = price.price
            holding.priceAt = price.at
            guard price.price.isPositive else {
                holding.problem = "the price of \(asset) is not above 0"
                return holding
            }
            holding.value = WideDecimal.product(quantity, price.price)
            let age = Int64((now.timeIntervalSince(price.at) * 1_000).rounded(.down))
            if let maxPriceAge, age > maxPriceAge.wholeMilliseconds {
                holding.problem = "the price of \(asset) is \(age / 1_000) s old (at most \(maxPriceAge.wholeMilliseconds / 1_000) s)"
            }
            return holding
        }
    }

    /// `part` as percent of `whole`, to eight places; nil beyond the range.
    private static func percent(_ part: WideDecimal, of whole: WideDecimal) -> FixedDecimal? {
        let (hundredfold, overflow) = part.units.multipliedReportingOverflow(by: 100)
        guard !overflow, let quotient = WideDecimal(units: hundredfold).divided(by: whole) else { return nil }
        return FixedDecimal(exactly: quotient)
    }
}
