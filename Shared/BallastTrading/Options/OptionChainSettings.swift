import Foundation

/// Which expiries and strikes an `OptionChain` lists.
///
/// Expiries are 08:00 UTC, strictly after now: the next `dailyCount` days, the next `weeklyCount` Fridays and the
/// last Fridays of the next `monthlyCount` months, merged (a Friday that is also a daily is listed once). Strikes are
/// multiples of the step, `strikesEachSide` of them each side of the at-the-money strike. A count below zero
/// counts as zero.
public struct OptionChainSettings: Sendable, Equatable {
    public var dailyCount: Int
    public var weeklyCount: Int
    public var monthlyCount: Int
    public var strikeStep: StrikeStep
    public var strikesEachSide: Int

    public init(
        dailyCount: Int = 3, weeklyCount: Int = 4, monthlyCount: Int = 3, strikeStep: StrikeStep = .onePercentOfSpot,
        strikesEachSide: Int = 10
    ) {
        self.dailyCount = dailyCount
        self.weeklyCount = weeklyCount
        self.monthlyCount = monthlyCount
        self.strikeStep = strikeStep
        self.strikesEachSide = strikesEachSide
    }

    /// Dailies for 3 days, 4 weekly Fridays, 3 monthly last Fridays; a step near 1% of spot, 10 strikes each side.
    public static let crypto = OptionChainSettings()
}
