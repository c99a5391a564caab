import BallastMarket
import Foundation

/// Everything a plan is made from. A run stores these beside its plan, so that any plan can be made again and
/// checked: the same inputs always give the same plan.
public struct RebalanceInputs: Sendable, Codable, Equatable {
    /// The currency cash is kept in and prices are given in; it is never traded itself.
    public var quoteCurrency: String
    public var cash: FixedDecimal
    /// Quantity held per asset.
    public var holdings: [String: FixedDecimal]
    /// Target weight per asset in percent; they sum to 100 (the quote currency may have one: cash kept).
    public var targetWeights: [String: FixedDecimal]
    public var prices: [String: AssetPrice]
    public var settings: RebalanceSettings

    public init(
        quoteCurrency: String, cash: FixedDecimal, holdings: [String: FixedDecimal], targetWeights: [String: FixedDecimal],
        prices: [String: AssetPrice], settings: RebalanceSettings
    ) {
        self.quoteCurrency = quoteCurrency
        self.cash = cash
        self.holdings = holdings
        self.targetWeights = targetWeights
        self.prices = prices
        self.settings = settings
    }

    /// The traded assets: every asset with a target or a holding, the quote currency excepted, in name order.
    var assets: [String] {
        let held = holdings.filter { $0.value != .zero }.map(\.key)
        return Set(targetWeights.keys).union(held).subtracting([quoteCurrency]).sorted()
    }
}
