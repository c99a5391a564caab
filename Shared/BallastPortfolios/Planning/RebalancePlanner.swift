import BallastCore
import Foundation

/// Values a portfolio and plans the orders that bring it back to its target weights. Pure and exact: decimals
/// only, no clock or randomness, so the same inputs always give the same plan.
///
/// The value is cash plus each holding at its price. Each asset's target value is that value times its target
/// weight (or, rebalancing to the band, the nearer band edge for an asset outside its band). An order is planned
/// where the difference reaches the minimum trade value, largest differences first, at most `maxOrders`. Sells come
/// first; buys spend at most the cash there is after them, scaled down together when it is short. Quantities are
/// rounded toward zero at the asset's decimals, fees rounded up, so cash never ends below zero.
public enum RebalancePlanner {
    /// The portfolio valued at `inputs.prices`. With `maxPriceAge`, a price older than that at `now` is refused.
    public static func drift(
        _ inputs: RebalanceInputs, now: Date = Date(), maxPriceAge: Duration? = nil
    ) throws(PlanningError) -> DriftReport {
        try valuation(of: inputs, now: now, maxPriceAge: maxPriceAge).report
    }

    /// The orders that rebalance the portfolio, and what is left alone.
    public static func plan(
        _ inputs: RebalanceInputs, now: Date = Date(), maxPriceAge: Duration? = nil
    ) throws(PlanningError) -> RebalancePlan {
        let valuation = try valuation(of: inputs, now: now, maxPriceAge: maxPriceAge)
        let settings = inputs.settings
        var skipped: [RebalancePlan.SkippedTrade] = []
        var wanted: [(asset: Valued, difference: Decimal)] = []
        for asset in valuation.assets {
            let difference = valuation.total * targetWeight(of: asset, settings: settings) / 100 - asset.value
            guard difference != 0 else { continue }
            if abs(difference) < settings.minimumTradeValue {
                skipped.append(.init(asset: asset.name, difference: difference.rounded(places: 8), reason: "below the minimum trade value"))
            } else {
                wanted.append((asset, difference))
            }
        }
        wanted.sort { abs($0.difference) != abs($1.difference) ? abs($0.difference) > abs($1.difference) : $0.asset.name < $1.asset.name }
        if let maxOrders = settings.maxOrders, wanted.count > maxOrders {
            for (asset, difference) in wanted[maxOrders...] {
                skipped.append(
                    .init(asset: asset.name, difference: difference.rounded(places: 8), reason: "over the maximum number of orders"))
            }
            wanted.removeSubrange(maxOrders...)
        }

        var cash = inputs.cash
        var orders: [PlannedOrder] = []
        for (asset, difference) in wanted where difference < 0 {
            let quantity = min((-difference / asset.price).rounded(.down, places: decimals(of: asset.name, settings)), asset.quantity)
            guard quantity > 0 else {
                skipped.append(.init(asset: asset.name, difference: difference.rounded(places: 8), reason: "less than one lot"))
                continue
            }
            let order = priced(asset, .sell, quantity: quantity, settings: settings)
            cash += order.value - order.fee
            orders.append(order)
        }

        let buys = wanted.filter { $0.difference > 0 }
        let wantedCost = buys.reduce(Decimal(0)) { $0 + $1.difference * (1 + settings.feeRate) }
        // Short of cash: every buy shrinks by the same factor, so the targets are approached evenly.
        let scale = wantedCost > cash ? max(0, cash) / wantedCost : 1
        for (asset, difference) in buys {
            let places = decimals(of: asset.name, settings)
            let affordable = (max(0, cash) / (asset.price * (1 + settings.feeRate))).rounded(.down, places: places)
            var quantity = min((difference * scale / asset.price).rounded(.down, places: places), affordable)
            var order = priced(asset, .buy, quantity: quantity, settings: settings)
            // The fee is rounded up: one lot less when that takes the cost past the cash.
            if order.value + order.fee > cash {
                quantity -= Decimal(sign: .plus, exponent: -places, significand: 1)
                order = priced(asset, .buy, quantity: max(0, quantity), settings: settings)
            }
            guard quantity > 0, order.value >= settings.minimumTradeValue, order.value + order.fee <= cash else {
                skipped.append(.init(asset: asset.name, difference: difference.rounded(places: 8), reason: "not enough cash"))
                continue
            }
            cash -= order.value + order.fee
            orders.append(order)
        }
        return RebalancePlan(before: valuation.report, orders: orders, cashAfter: cash, skipped: skipped)
    }

    // MARK: Valuation

    /// An asset's holding at its price.
    struct Valued {
        var name: String
        var quantity: Decimal
        var price: Decimal
        var value: Decimal
        var weight: Decimal
        var targetWeight: Decimal
    }

    struct Valuation {
        var total: Decimal
        var assets: [Valued]
        var report: DriftReport
    }

    static func valuation(of inputs: RebalanceInputs, now: Date, maxPriceAge: Duration?) throws(PlanningError) -> Valuation {
        var assets: [Valued] = []
        for name in inputs.assets {
            guard let price = inputs.prices[name] else { throw .missingPrice(asset: name) }
            guard price.price > 0 else { throw .nonPositivePrice(asset: name) }
            if let maxPriceAge {
                let age = now.timeIntervalSince(price.at)
                if age > maxPriceAge.inSeconds { throw .stalePrice(asset: name, ageSeconds: Int(age)) }
            }
            let quantity = inputs.holdings[name] ?? 0
            assets.append(
                Valued(
                    name: name, quantity: quantity, price: price.price, value: quantity * price.price, weight: 0,
                    targetWeight: inputs.targetWeights[name] ?? 0))
        }
        let total = inputs.cash + assets.reduce(Decimal(0)) { $0 + $1.value }
        for index in assets.indices where total > 0 {
            assets[index].weight = assets[index].value / total * 100
        }
        let drifts = assets.map { asset in
            AssetDrift(
                asset: asset.name, quantity: asset.quantity, value: asset.value.rounded(places: 8), weight: asset.weight.rounded(places: 4),
                targetWeight: asset.targetWeight, drift: (asset.weight - asset.targetWeight).rounded(places: 4),
                isOverThreshold: total > 0 && !inputs.settings.band(around: asset.targetWeight).contains(asset.weight))
        }
        let report = DriftReport(
            portfolioValue: total.rounded(places: 8), cash: inputs.cash,
            cashWeight: total > 0 ? (inputs.cash / total * 100).rounded(places: 4) : 0, assets: drifts)
        return Valuation(total: total, assets: assets, report: report)
    }

    /// The weight a rebalance moves `asset` to: its target, or the nearer band edge when rebalancing to the band
    /// (its current weight when it is inside the band).
    static func targetWeight(of asset: Valued, settings: RebalanceSettings) -> Decimal {
        switch settings.rebalanceTo {
        case .target:
            return asset.targetWeight
        case .band:
            let band = settings.band(around: asset.targetWeight)
            return min(max(asset.weight, band.lowerBound), band.upperBound)
        }
    }

    static func decimals(of asset: String, _ settings: RebalanceSettings) -> Int {
        settings.quantityDecimals[asset] ?? Decimal.defaultPlaces
    }

    static func priced(_ asset: Valued, _ side: PlannedOrder.Side, quantity: Decimal, settings: RebalanceSettings) -> PlannedOrder {
        let value = quantity * asset.price
        return PlannedOrder(
            asset: asset.name, side: side, quantity: quantity, price: asset.price, value: value,
            fee: (value * settings.feeRate).rounded(.up, places: Decimal.defaultPlaces))
    }
}
