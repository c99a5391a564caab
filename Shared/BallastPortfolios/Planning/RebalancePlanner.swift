import BallastCore
import BallastMarket
import Foundation

/// Values a portfolio and plans the orders that bring it back to its target weights. Pure and exact: fixed-point
/// integers (quantities and prices to 8 places, values to 16), no clock or randomness, so the same inputs always
/// give the same plan.
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
        try valuation(of: inputs, now: now, maxPriceAge: maxPriceAge).report(of: inputs)
    }

    /// Whether any asset is outside its band: the drift monitor's test, without building the report.
    public static func isOverThreshold(
        _ inputs: RebalanceInputs, now: Date = Date(), maxPriceAge: Duration? = nil
    ) throws(PlanningError)
        -> Bool
    {
        try valuation(of: inputs, now: now, maxPriceAge: maxPriceAge).isOverThreshold(inputs.settings)
    }

    /// The orders that rebalance the portfolio, and what is left alone.
    public static func plan(
        _ inputs: RebalanceInputs, now: Date = Date(), maxPriceAge: Duration? = nil
    ) throws(PlanningError) -> RebalancePlan {
        let valuation = try valuation(of: inputs, now: now, maxPriceAge: maxPriceAge)
        let settings = inputs.settings
        let minimum = Int128(settings.minimumTradeValue.units) * PlannerMath.scale
        let feeRate = Int128(settings.feeRate.units)
        var skipped: [RebalancePlan.SkippedTrade] = []
        func skip(_ asset: Valued, _ difference: Int128, _ reason: String) {
            skipped.append(.init(asset: asset.name, difference: WideDecimal(units: difference), reason: reason))
        }

        var wanted: [(asset: Valued, difference: Int128)] = []
        for asset in valuation.assets {
            let weight = targetWeight(of: asset, settings: settings)
            guard let target = PlannerMath.multiplyDivide(valuation.total, weight, 100 * PlannerMath.scale) else {
                throw .outOfRange(asset: asset.name)
            }
            let difference = target - asset.value
            guard difference != 0 else { continue }
            if difference.magnitude < minimum.magnitude {
                skip(asset, difference, "below the minimum trade value")
            } else {
                wanted.append((asset, difference))
            }
        }
        wanted.sort {
            $0.difference.magnitude != $1.difference.magnitude
                ? $0.difference.magnitude > $1.difference.magnitude : $0.asset.name < $1.asset.name
        }
        if let maxOrders = settings.maxOrders, wanted.count > maxOrders {
            for (asset, difference) in wanted[max(0, maxOrders)...] { skip(asset, difference, "over the maximum number of orders") }
            wanted.removeSubrange(max(0, maxOrders)...)
        }

        var cash = Int128(inputs.cash.units) * PlannerMath.scale
        var orders: [PlannedOrder] = []
        for (asset, difference) in wanted where difference < 0 {
            let step = lotStep(of: asset.name, settings)
            let quantity = min(PlannerMath.floor(-difference / asset.price, toMultipleOf: step), asset.quantity)
            guard quantity > 0 else {
                skip(asset, difference, "less than one lot")
                continue
            }
            let order = try priced(asset, .sell, quantity: quantity, feeRate: feeRate)
            cash += order.value - order.fee
            orders.append(order.planned)
        }

        let buys = wanted.filter { $0.difference > 0 }
        var wantedCost: Int128 = 0
        for (asset, difference) in buys {
            guard let cost = PlannerMath.multiplyDivideUp(difference, PlannerMath.scale + feeRate, PlannerMath.scale) else {
                throw .outOfRange(asset: asset.name)
            }
            wantedCost += cost
        }
        // Short of cash: every buy shrinks by the same factor, so the targets are approached evenly.
        let available = max(0, cash)
        for (asset, difference) in buys {
            let step = lotStep(of: asset.name, settings)
            var share = difference
            if wantedCost > available {
                guard let scaled = PlannerMath.multiplyDivide(difference, available, wantedCost) else {
                    throw .outOfRange(asset: asset.name)
                }
                share = scaled
            }
            guard
                let affordable = PlannerMath.multiplyDivide(
                    max(0, cash), PlannerMath.scale, asset.price * (PlannerMath.scale + feeRate))
            else { throw .outOfRange(asset: asset.name) }
            var quantity = PlannerMath.floor(min(share / asset.price, affordable), toMultipleOf: step)
            var order = try priced(asset, .buy, quantity: quantity, feeRate: feeRate)
            // The fee is rounded up: one lot less when that takes the cost past the cash.
            if order.value + order.fee > cash && quantity >= step {
                quantity -= step
                order = try priced(asset, .buy, quantity: quantity, feeRate: feeRate)
            }
            guard quantity > 0, order.value >= minimum, order.value + order.fee <= cash else {
                skip(asset, difference, "not enough cash")
                continue
            }
            cash -= order.value + order.fee
            orders.append(order.planned)
        }
        return RebalancePlan(before: valuation.report(of: inputs), orders: orders, cashAfter: WideDecimal(units: cash), skipped: skipped)
    }

    // MARK: Valuation

    /// An asset's holding at its price, in units: quantity and price in 1e-8, value in 1e-16, weights in 1e-8 of a
    /// percent.
    struct Valued {
        var name: String
        var quantity: Int128
        var price: Int128
        var value: Int128
        var weight: Int128
        var targetWeight: FixedDecimal
    }

    struct Valuation {
        /// Cash plus every value, in 1e-16 units.
        var total: Int128
        var assets: [Valued]

        func isOverThreshold(_ settings: RebalanceSettings) -> Bool {
            total > 0 && assets.contains { !settings.band(around: $0.targetWeight).contains($0.weight) }
        }

        func report(of inputs: RebalanceInputs) -> DriftReport {
            let cashValue = Int128(inputs.cash.units) * PlannerMath.scale
            let cashWeight = total > 0 ? PlannerMath.multiplyDivide(max(0, cashValue), 100 * PlannerMath.scale, total) ?? 0 : 0
            return DriftReport(
                portfolioValue: WideDecimal(units: total), cash: inputs.cash, cashWeight: FixedDecimal(units: Int64(cashWeight)),
                assets: assets.map { asset in
                    AssetDrift(
                        asset: asset.name, quantity: FixedDecimal(units: Int64(asset.quantity)), value: WideDecimal(units: asset.value),
                        weight: FixedDecimal(units: Int64(asset.weight)), targetWeight: asset.targetWeight,
                        drift: FixedDecimal(units: Int64(asset.weight) - asset.targetWeight.units),
                        isOverThreshold: total > 0 && !inputs.settings.band(around: asset.targetWeight).contains(asset.weight))
                })
        }
    }

    static func valuation(of inputs: RebalanceInputs, now: Date, maxPriceAge: Duration?) throws(PlanningError) -> Valuation {
        var assets: [Valued] = []
        var total = Int128(inputs.cash.units) * PlannerMath.scale
        for name in inputs.assets {
            guard let price = inputs.prices[name] else { throw .missingPrice(asset: name) }
            guard price.price.units > 0 else { throw .nonPositivePrice(asset: name) }
            if let maxPriceAge {
                let age = now.timeIntervalSince(price.at)
                if age > maxPriceAge.inSeconds { throw .stalePrice(asset: name, ageSeconds: Int(age)) }
            }
            let quantity = Int128(inputs.holdings[name]?.units ?? 0)
            let value = quantity * Int128(price.price.units)
            total += value
            assets.append(
                Valued(
                    name: name, quantity: quantity, price: Int128(price.price.units), value: value, weight: 0,
                    targetWeight: inputs.targetWeights[name] ?? .zero))
        }
        if total > 0 {
            for index in assets.indices {
                guard let weight = PlannerMath.multiplyDivide(max(0, assets[index].value), 100 * PlannerMath.scale, total) else {
                    throw .outOfRange(asset: assets[index].name)
                }
                assets[index].weight = weight
            }
        }
        return Valuation(total: total, assets: assets)
    }

    /// The weight a rebalance moves `asset` to, in 1e-8 units of a percent: its target, or the nearer band edge when
    /// rebalancing to the band (its current weight when it is inside the band).
    static func targetWeight(of asset: Valued, settings: RebalanceSettings) -> Int128 {
        switch settings.rebalanceTo {
        case .target:
            return Int128(asset.targetWeight.units)
        case .band:
            let band = settings.band(around: asset.targetWeight)
            return min(max(asset.weight, band.lowerBound), band.upperBound)
        }
    }

    /// The asset's lot in 1e-8 units: 1 for eight decimals, 10^8 for whole units.
    static func lotStep(of asset: String, _ settings: RebalanceSettings) -> Int128 {
        PlannerMath.power(of: 8 - min(8, max(0, settings.quantityDecimals[asset] ?? 8)))
    }

    /// An order in units (value and fee in 1e-16, the fee rounded up to 1e-8), and as the plan shows it.
    struct Priced {
        var value: Int128
        var fee: Int128
        var planned: PlannedOrder
    }

    static func priced(_ asset: Valued, _ side: PlannedOrder.Side, quantity: Int128, feeRate: Int128) throws(PlanningError) -> Priced {
        let value = quantity * asset.price
        // value × rate is in 1e-24 units; the fee is kept to 1e-8, rounded up.
        guard let fee8 = PlannerMath.multiplyDivideUp(value, feeRate, PlannerMath.scale * PlannerMath.scale),
            let quantityUnits = Int64(exactly: quantity), let priceUnits = Int64(exactly: asset.price), let feeUnits = Int64(exactly: fee8)
        else { throw .outOfRange(asset: asset.name) }
        return Priced(
            value: value, fee: fee8 * PlannerMath.scale,
            planned: PlannedOrder(
                asset: asset.name, side: side, quantity: FixedDecimal(units: quantityUnits), price: FixedDecimal(units: priceUnits),
                value: WideDecimal(units: value), fee: FixedDecimal(units: feeUnits)))
    }
}
