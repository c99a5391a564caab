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
        var belowMinimum: [RebalancePlan.SkippedTrade] = []
        var candidates: [Candidate] = []
        for asset in valuation.assets {
            let weight = targetWeight(of: asset, settings: settings)
            guard let target = PlannerMath.multiplyDivide(valuation.total, weight, 100 * PlannerMath.scale) else {
                throw .outOfRange(asset: asset.name)
            }
            let difference = target - asset.value
            guard difference != 0 else { continue }
            if difference.magnitude < minimum.magnitude {
                belowMinimum.append(
                    .init(asset: asset.name, difference: WideDecimal(units: difference), reason: "below the minimum trade value"))
            } else {
                candidates.append(Candidate(asset: asset, difference: difference))
            }
        }
        candidates.sort {
            $0.difference.magnitude != $1.difference.magnitude
                ? $0.difference.magnitude > $1.difference.magnitude : $0.asset.name < $1.asset.name
        }
        // At most `maxOrders`, largest differences first; a candidate that comes to no order (a buy nothing pays
        // for, less than a lot) gives its slot to the next one.
        let limit = settings.maxOrders ?? candidates.count
        var taken = min(limit, candidates.count)
        var chosen = Array(candidates[..<taken])
        var outcome = try execute(chosen, cash: inputs.cash, settings: settings)
        while outcome.orders.count != limit {
            if outcome.orders.count > limit, let lastBuy = chosen.lastIndex(where: { $0.difference > 0 }) {
                // A sell taken in has funded a buy that was left out before: the buy gives way.
                let dropped = chosen.remove(at: lastBuy)
                outcome = try execute(chosen, cash: inputs.cash, settings: settings)
                outcome.skipped.append(
                    .init(
                        asset: dropped.asset.name, difference: WideDecimal(units: dropped.difference),
                        reason: "over the maximum number of orders"))
                break
            }
            guard outcome.orders.count < limit, taken < candidates.count else { break }
            chosen.append(candidates[taken])
            taken += 1
            outcome = try execute(chosen, cash: inputs.cash, settings: settings)
        }
        let overLimit = candidates[taken...].map {
            RebalancePlan.SkippedTrade(
                asset: $0.asset.name, difference: WideDecimal(units: $0.difference), reason: "over the maximum number of orders")
        }
        return RebalancePlan(
            before: valuation.report(of: inputs), orders: outcome.orders, cashAfter: WideDecimal(units: outcome.cash),
            skipped: belowMinimum + outcome.skipped + overLimit)
    }

    /// A difference worth an order, in 1e-16 units: positive to buy, negative to sell.
    struct Candidate {
        var asset: Valued
        var difference: Int128
    }

    /// The orders `candidates` come to: sells first, then buys within the cash after them.
    static func execute(
        _ candidates: [Candidate], cash startingCash: FixedDecimal, settings: RebalanceSettings
    ) throws(PlanningError) -> (orders: [PlannedOrder], cash: Int128, skipped: [RebalancePlan.SkippedTrade]) {
        let minimum = Int128(settings.minimumTradeValue.units) * PlannerMath.scale
        let feeRate = Int128(settings.feeRate.units)
        var skipped: [RebalancePlan.SkippedTrade] = []
        func skip(_ candidate: Candidate, _ reason: String) {
            skipped.append(.init(asset: candidate.asset.name, difference: WideDecimal(units: candidate.difference), reason: reason))
        }
        var cash = Int128(startingCash.units) * PlannerMath.scale
        var orders: [PlannedOrder] = []
        for candidate in candidates where candidate.difference < 0 {
            let asset = candidate.asset
            let quantity = min(
                PlannerMath.floor(-candidate.difference / asset.price, toMultipleOf: lotStep(of: asset.name, settings)), asset.quantity)
            guard quantity > 0 else {
                skip(candidate, "less than one lot")
                continue
            }
            let order = try priced(asset, .sell, quantity: quantity, feeRate: feeRate)
            guard order.value >= minimum else {
                skip(candidate, "below the minimum trade value")
                continue
            }
            cash = try add(cash, order.value - order.fee, asset.name)
            orders.append(order.planned)
        }

        let buys = candidates.filter { $0.difference > 0 }
        var wantedCost: Int128 = 0
        for buy in buys {
            guard let cost = PlannerMath.multiplyDivide(buy.difference, PlannerMath.scale + feeRate, PlannerMath.scale, roundingUp: true)
            else {
                throw .outOfRange(asset: buy.asset.name)
            }
            wantedCost = try add(wantedCost, cost, buy.asset.name)
        }
        // Short of cash: every buy shrinks by the same factor, so the targets are approached evenly.
        let available = max(0, cash)
        for buy in buys {
            let asset = buy.asset
            let step = lotStep(of: asset.name, settings)
            var share = buy.difference
            if wantedCost > available {
                guard let scaled = PlannerMath.multiplyDivide(buy.difference, available, wantedCost) else {
                    throw .outOfRange(asset: asset.name)
                }
                share = scaled
            }
            // With a fee, sized with 1e-8 kept back for its rounding up, so the cost never passes the cash.
            let reserve = feeRate > 0 ? PlannerMath.scale : 0
            guard
                let affordable = PlannerMath.multiplyDivide(
                    max(0, cash - reserve), PlannerMath.scale, asset.price * (PlannerMath.scale + feeRate))
            else { throw .outOfRange(asset: asset.name) }
            var quantity = PlannerMath.floor(min(share / asset.price, affordable), toMultipleOf: step)
            var order = try priced(asset, .buy, quantity: quantity, feeRate: feeRate)
            if order.value + order.fee > cash && quantity >= step {
                quantity -= step
                order = try priced(asset, .buy, quantity: quantity, feeRate: feeRate)
            }
            guard quantity > 0, order.value + order.fee <= cash else {
                skip(buy, "not enough cash")
                continue
            }
            guard order.value >= minimum else {
                skip(buy, share < buy.difference ? "not enough cash" : "below the minimum trade value")
                continue
            }
            cash -= order.value + order.fee
            orders.append(order.planned)
        }
        return (orders, cash, skipped)
    }

    /// `a + b`, or `.outOfRange` naming `asset` when the sum leaves 128 bits.
    static func add(_ a: Int128, _ b: Int128, _ asset: String) throws(PlanningError) -> Int128 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        if overflow { throw .outOfRange(asset: asset) }
        return sum
    }

    /// Refuses what no plan can be made from, naming the field: the planner's arithmetic relies on none of these.
    static func validate(_ inputs: RebalanceInputs) throws(PlanningError) {
        let settings = inputs.settings
        let hundred = 100 * FixedDecimal.unitsPerWhole
        if settings.driftThreshold.units < 0 { throw .invalidInput(field: "driftThreshold", reason: "must not be negative") }
        if settings.minimumTradeValue.units < 0 { throw .invalidInput(field: "minimumTradeValue", reason: "must not be negative") }
        if settings.feeRate.units < 0 || settings.feeRate.units >= FixedDecimal.unitsPerWhole {
            throw .invalidInput(field: "feeRate", reason: "must be at least 0 and below 1 (a fraction: 10 bps is 0.001)")
        }
        if let maxOrders = settings.maxOrders, maxOrders < 0 { throw .invalidInput(field: "maxOrders", reason: "must not be negative") }
        for (asset, places) in settings.quantityDecimals.sorted(by: { $0.key < $1.key }) where !(0...8).contains(places) {
            throw .invalidInput(field: "quantityDecimals.\(asset)", reason: "must be 0 to 8")
        }
        if inputs.cash.units < 0 { throw .invalidInput(field: "cash", reason: "must not be negative") }
        for (asset, weight) in inputs.targetWeights.sorted(by: { $0.key < $1.key }) where !(0...hundred).contains(weight.units) {
            throw .invalidInput(field: "targetWeights.\(asset)", reason: "must be 0 to 100")
        }
        for (asset, quantity) in inputs.holdings.sorted(by: { $0.key < $1.key }) where quantity.units < 0 {
            throw .invalidInput(field: "holdings.\(asset)", reason: "must not be negative")
        }
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
                portfolioValue: WideDecimal(units: total), cash: inputs.cash, cashWeight: FixedDecimal(units: Int64(clamping: cashWeight)),
                assets: assets.map { asset in
                    AssetDrift(
                        asset: asset.name, quantity: FixedDecimal(units: Int64(asset.quantity)), value: WideDecimal(units: asset.value),
                        weight: FixedDecimal(units: Int64(clamping: asset.weight)), targetWeight: asset.targetWeight,
                        drift: FixedDecimal(units: Int64(clamping: asset.weight - Int128(asset.targetWeight.units))),
                        isOverThreshold: total > 0 && !inputs.settings.band(around: asset.targetWeight).contains(asset.weight))
                })
        }
    }

    static func valuation(of inputs: RebalanceInputs, now: Date, maxPriceAge: Duration?) throws(PlanningError) -> Valuation {
        try validate(inputs)
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
            total = try add(total, value, name)
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
            // A tenth of the band's half-width inside the edge: lots rounded down and fees would otherwise leave the
            // asset just outside it, still drifted after its rebalance.
            let band = settings.band(around: asset.targetWeight)
            let margin = (band.upperBound - band.lowerBound) / 20
            return min(max(asset.weight, band.lowerBound + margin), band.upperBound - margin)
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
        guard let fee8 = PlannerMath.multiplyDivide(value, feeRate, PlannerMath.scale * PlannerMath.scale, roundingUp: true),
            let quantityUnits = Int64(exactly: quantity), let priceUnits = Int64(exactly: asset.price), let feeUnits = Int64(exactly: fee8)
        else { throw .outOfRange(asset: asset.name) }
        return Priced(
            value: value, fee: fee8 * PlannerMath.scale,
            planned: PlannedOrder(
                asset: asset.name, side: side, quantity: FixedDecimal(units: quantityUnits), price: FixedDecimal(units: priceUnits),
                value: WideDecimal(units: value), fee: FixedDecimal(units: feeUnits)))
    }
}
