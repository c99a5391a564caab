import BallastCore
import Foundation

/// The listed options on one underlying at one moment: expiries and strikes as `OptionChainSettings` define them
/// (docs/options.md). Every (expiry, strike, kind) of the two lists is a contract.
public struct OptionChain: Sendable {
    public let underlying: String
    public let spot: Decimal
    public let now: Date
    public let settings: OptionChainSettings
    /// The distance between strikes at this spot; nil when there is none (a spot or a step that is not positive),
    /// and then no strikes are listed and no strike can be chosen.
    public let strikeStep: Decimal?
    /// Sorted, unique, each 08:00 UTC and after `now`.
    public let expiries: [Date]
    /// Sorted, multiples of the step around the at-the-money strike, all positive.
    public let strikes: [Decimal]

    public init(underlying: String, spot: Decimal, now: Date, settings: OptionChainSettings) {
        self.underlying = underlying
        self.spot = spot
        self.now = now
        self.settings = settings
        expiries = Self.expiries(after: now, settings: settings)
        // Without a price there is nothing to center the strikes on, whatever the step.
        let step = spot > 0 ? settings.strikeStep.step(atSpot: spot) : nil
        strikeStep = step
        strikes = step.map { Self.strikes(around: spot, step: $0, eachSide: max(settings.strikesEachSide, 0)) } ?? []
    }

    /// The listed strike nearest to the spot; at exactly halfway, the lower one.
    public var atTheMoneyStrike: Decimal? {
        strikes.min { abs($0 - spot) < abs($1 - spot) }
    }

    private static func expiries(after now: Date, settings: OptionChainSettings) -> [Date] {
        let today = ExpiryCalendar.day(of: now)
        // Today's 08:00 is listed until it passes.
        let firstDay = ExpiryCalendar.expiry(onDay: today) > now ? today : today + 1
        var days = Set((0..<Int64(max(settings.dailyCount, 0))).map { firstDay + $0 })
        let firstFriday = firstDay + Int64((ExpiryCalendar.friday - CivilCalendar.weekday(days: firstDay) + 7) % 7)
        days.formUnion((0..<Int64(max(settings.weeklyCount, 0))).map { firstFriday + 7 * $0 })
        var (year, month, _) = CivilCalendar.date(days: firstDay)
        var monthlies = 0
        while monthlies < settings.monthlyCount {
            let lastFriday = ExpiryCalendar.lastFriday(year: year, month: month)
            if lastFriday >= firstDay {
                days.insert(lastFriday)
                monthlies += 1
            }
            (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
        }
        return days.sorted().map(ExpiryCalendar.expiry(onDay:))
    }

    private static func strikes(around spot: Decimal, step: Decimal, eachSide: Int) -> [Decimal] {
        let below = (spot / step).rounded(.down, places: 0) * step
        let atTheMoney = spot - below <= below + step - spot ? below : below + step
        return (-eachSide...eachSide).map { atTheMoney + Decimal($0) * step }.filter { $0 > 0 }
    }
}
