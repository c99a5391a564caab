import BallastMarket
import Foundation

/// Everything an owner sets on a portfolio. `validate` checks it as a whole; the API answers each problem as a 400
/// naming the field.
public struct PortfolioSettings: Sendable, Equatable {
    public static let maxNameLength = 100
    public static let maxAssets = 50

    public var name: String
    public var quoteCurrency: String
    /// Percent per asset; they sum to 100 within 0.01. The quote currency may have one (cash kept).
    public var targetWeights: [String: FixedDecimal]
    public var method: RebalanceMethod
    public var schedule: PortfolioSchedule
    /// Percentage points, or percent of each target weight with `thresholdIsRelative`.
    public var driftThreshold: FixedDecimal
    public var thresholdIsRelative: Bool
    public var rebalanceTo: RebalanceTarget
    /// In the quote currency: no order for a smaller difference.
    public var minimumTradeValue: FixedDecimal
    public var maxOrders: Int?
    /// Plan and record every run, trade nothing.
    public var dryRun: Bool

    public init(
        name: String, quoteCurrency: String, targetWeights: [String: FixedDecimal], method: RebalanceMethod = .drift,
        schedule: PortfolioSchedule, driftThreshold: FixedDecimal = FixedDecimal(units: 5 * FixedDecimal.unitsPerWhole),
        thresholdIsRelative: Bool = false, rebalanceTo: RebalanceTarget = .target,
        minimumTradeValue: FixedDecimal = FixedDecimal(units: 10 * FixedDecimal.unitsPerWhole), maxOrders: Int? = nil, dryRun: Bool = false
    ) {
        self.name = name
        self.quoteCurrency = quoteCurrency
        self.targetWeights = targetWeights
        self.method = method
        self.schedule = schedule
        self.driftThreshold = driftThreshold
        self.thresholdIsRelative = thresholdIsRelative
        self.rebalanceTo = rebalanceTo
        self.minimumTradeValue = minimumTradeValue
        self.maxOrders = maxOrders
        self.dryRun = dryRun
    }

    /// Every problem with these settings, in field order. `knownSymbols` are the market symbols market-data knows:
    /// an asset is known when `ASSET-QUOTE` is one of them.
    public func problems(knownSymbols: Set<String>) -> [PortfolioFieldError] {
        var problems: [PortfolioFieldError] = []
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || name.count > Self.maxNameLength
            || name.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 32 } ?? false })
        {
            problems.append(PortfolioFieldError("name", "must be 1 to \(Self.maxNameLength) characters on one line"))
        }
        if targetWeights.isEmpty {
            problems.append(PortfolioFieldError("targetWeights", "must name at least one asset"))
        } else if targetWeights.count > Self.maxAssets {
            problems.append(PortfolioFieldError("targetWeights", "may name at most \(Self.maxAssets) assets"))
        } else {
            for (asset, weight) in targetWeights.sorted(by: { $0.key < $1.key }) {
                if !Self.isAssetName(asset) {
                    problems.append(
                        PortfolioFieldError("targetWeights", "'\(asset.prefix(40))' is not an asset name (2 to 10 letters or digits)"))
                } else if weight.units <= 0 || weight.units > 100 * FixedDecimal.unitsPerWhole {
                    problems.append(PortfolioFieldError("targetWeights.\(asset)", "must be above 0 and at most 100, got \(weight)"))
                } else if asset != quoteCurrency, !knownSymbols.contains("\(asset)-\(quoteCurrency)") {
                    problems.append(
                        PortfolioFieldError("targetWeights.\(asset)", "unknown asset: market-data has no market \(asset)-\(quoteCurrency)"))
                }
            }
            let sum = targetWeights.values.reduce(Int128(0)) { $0 + Int128($1.units) }
            let hundred = Int128(100 * FixedDecimal.unitsPerWhole)
            if abs(sum - hundred) > Int128(FixedDecimal.unitsPerWhole / 100) {
                problems.append(
                    PortfolioFieldError(
                        "targetWeights", "must sum to 100 (within 0.01), they sum to \(WideDecimal(units: sum * 100_000_000))"))
            }
        }
        if driftThreshold.units <= 0 || driftThreshold.units > 100 * FixedDecimal.unitsPerWhole {
            problems.append(PortfolioFieldError("driftThreshold", "must be above 0 and at most 100, got \(driftThreshold)"))
        }
        if minimumTradeValue.units < 0 {
            problems.append(PortfolioFieldError("minimumTradeValue", "must not be negative, got \(minimumTradeValue)"))
        }
        if let maxOrders, !(1...1_000).contains(maxOrders) {
            problems.append(PortfolioFieldError("maxOrders", "must be 1 to 1000, got \(maxOrders)"))
        }
        return problems
    }

    /// 2 to 10 ASCII letters or digits, as currencies and the base assets of market symbols are named.
    public static func isAssetName(_ text: String) -> Bool {
        (2...10).contains(text.utf8.count)
            && text.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
    }

    /// The planner's settings for an account that pays `feeRate` (fee and slippage) on each order.
    public func rebalanceSettings(feeRate: FixedDecimal) -> RebalanceSettings {
        RebalanceSettings(
            driftThreshold: driftThreshold, thresholdIsRelative: thresholdIsRelative, rebalanceTo: rebalanceTo,
            minimumTradeValue: minimumTradeValue, maxOrders: maxOrders, feeRate: feeRate)
    }
}
