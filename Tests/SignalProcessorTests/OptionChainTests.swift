import Foundation
import PropertyBased
import Testing

@testable import BallastTrading

@Suite("Option chains")
struct OptionChainTests {
    /// 08:00 UTC on each `yyyy-MM-dd`.
    static func expiries(_ days: [String]) -> [Date] {
        days.map { instant("\($0)T08:00:00Z") }
    }

    static func chain(spot: String = "97400", now: String, settings: OptionChainSettings = .crypto) -> OptionChain {
        OptionChain(underlying: "BTC-USD", spot: decimal(spot), now: instant(now), settings: settings)
    }

    // MARK: Expiries

    @Test(
        "expiries: the next 3 dailies, 4 Fridays and 3 last Fridays, merged",
        arguments: [
            // Monday 10:00: the dailies start on Tuesday; Christmas is both a Friday and December's last Friday.
            (
                "2026-12-07T10:00:00Z",
                [
                    "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11", "2026-12-18", "2026-12-25", "2027-01-01", "2027-01-29",
                    "2027-02-26",
                ]
            ),
            // Monday 07:00: Monday's 08:00 is still ahead.
            (
                "2026-12-07T07:00:00Z",
                [
                    "2026-12-07", "2026-12-08", "2026-12-09", "2026-12-11", "2026-12-18", "2026-12-25", "2027-01-01", "2027-01-29",
                    "2027-02-26",
                ]
            ),
            // Friday a second before 08:00: that Friday is a daily and a weekly.
            (
                "2026-12-11T07:59:59Z",
                ["2026-12-11", "2026-12-12", "2026-12-13", "2026-12-18", "2026-12-25", "2027-01-01", "2027-01-29", "2027-02-26"]
            ),
            // Friday at 08:00 exactly and just after: expiries are strictly after now, so that Friday is gone.
            (
                "2026-12-11T08:00:00Z",
                [
                    "2026-12-12", "2026-12-13", "2026-12-14", "2026-12-18", "2026-12-25", "2027-01-01", "2027-01-08", "2027-01-29",
                    "2027-02-26",
                ]
            ),
            (
                "2026-12-11T08:00:01Z",
                [
                    "2026-12-12", "2026-12-13", "2026-12-14", "2026-12-18", "2026-12-25", "2027-01-01", "2027-01-08", "2027-01-29",
                    "2027-02-26",
                ]
            ),
            // The last Friday of December just expired: the monthlies move on to March.
            (
                "2026-12-25T09:00:00Z",
                [
                    "2026-12-26", "2026-12-27", "2026-12-28", "2027-01-01", "2027-01-08", "2027-01-15", "2027-01-22", "2027-01-29",
                    "2027-02-26", "2027-03-26",
                ]
            ),
            // A leap February: its last Friday is the 25th, not the 29th (a Tuesday).
            (
                "2028-01-28T12:00:00Z",
                [
                    "2028-01-29", "2028-01-30", "2028-01-31", "2028-02-04", "2028-02-11", "2028-02-18", "2028-02-25", "2028-03-31",
                    "2028-04-28",
                ]
            ),
        ]
    )
    func expiries(now: String, expected: [String]) {
        #expect(Self.chain(now: now).expiries == Self.expiries(expected))
    }

    @Test("each kind of expiry can be switched off; a count below zero lists none")
    func expiryCounts() {
        let now = "2026-12-07T10:00:00Z"
        let dailies = OptionChainSettings(dailyCount: 2, weeklyCount: 0, monthlyCount: -1)
        #expect(Self.chain(now: now, settings: dailies).expiries == Self.expiries(["2026-12-08", "2026-12-09"]))
        let fridays = OptionChainSettings(dailyCount: 0, weeklyCount: 2, monthlyCount: 0)
        #expect(Self.chain(now: now, settings: fridays).expiries == Self.expiries(["2026-12-11", "2026-12-18"]))
        let monthlies = OptionChainSettings(dailyCount: -3, weeklyCount: 0, monthlyCount: 4)
        #expect(
            Self.chain(now: now, settings: monthlies).expiries == Self.expiries(["2026-12-25", "2027-01-29", "2027-02-26", "2027-03-26"]))
        let none = OptionChainSettings(dailyCount: 0, weeklyCount: 0, monthlyCount: 0)
        #expect(Self.chain(now: now, settings: none).expiries.isEmpty)
    }

    /// The default expiries worked out with Foundation's Gregorian calendar, day by day, rather than with the chain's
    /// day arithmetic.
    static func referenceExpiries(after now: Date) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var first = calendar.startOfDay(for: now).addingTimeInterval(8 * 3_600)
        if first <= now { first.addTimeInterval(86_400) }
        let days = (0..<140).map { first.addingTimeInterval(Double($0) * 86_400) }
        let fridays = days.filter { calendar.component(.weekday, from: $0) == 6 }
        let lastFridays = fridays.filter {
            calendar.component(.month, from: $0.addingTimeInterval(7 * 86_400)) != calendar.component(.month, from: $0)
        }
        return Set(days.prefix(3)).union(fridays.prefix(4)).union(lastFridays.prefix(3)).sorted()
    }

    @Test("generated moments from 2001 to 2099: the expiries Foundation's calendar gives")
    func generatedExpiries() async {
        await propertyCheck(count: 1_000, input: Gen.int(in: 978_307_200...4_070_908_800)) { seconds in
            let now = Date(timeIntervalSince1970: Double(seconds))
            let chain = OptionChain(underlying: "ETH-USD", spot: 3_500, now: now, settings: .crypto)
            #expect(chain.expiries == Self.referenceExpiries(after: now))
        }
    }

    // MARK: Strikes

    @Test(
        "the default step is the nice number (1, 2, 2.5 or 5 × 10^k) nearest 1% of the spot",
        arguments: [
            ("97400", "1000"), ("65000", "500"), ("3500", "25"), ("770", "10"), ("150", "2"), ("45", "0.5"), ("2.3", "0.025"),
            ("1", "0.01"),
            ("0.1", "0.001"), ("100000", "1000"), ("0.00002", "0.0000002"),
        ]
    )
    func niceSteps(spot: String, step: String) {
        #expect(OptionChainSettings.StrikeStep.onePercentOfSpot.step(atSpot: decimal(spot)) == decimal(step))
        #expect(Self.chain(spot: spot, now: "2026-12-07T10:00:00Z").strikeStep == decimal(step))
    }

    @Test("a fixed step is the same at every price; a step or a spot that is not positive gives none")
    func otherSteps() {
        #expect(OptionChainSettings.StrikeStep.fixed(decimal("250")).step(atSpot: decimal("97400")) == decimal("250"))
        #expect(OptionChainSettings.StrikeStep.fixed(decimal("250")).step(atSpot: decimal("3")) == decimal("250"))
        #expect(OptionChainSettings.StrikeStep.fixed(0).step(atSpot: decimal("97400")) == nil)
        #expect(OptionChainSettings.StrikeStep.fixed(decimal("-5")).step(atSpot: decimal("97400")) == nil)
        #expect(OptionChainSettings.StrikeStep.onePercentOfSpot.step(atSpot: 0) == nil)
        #expect(OptionChainSettings.StrikeStep.onePercentOfSpot.step(atSpot: decimal("-97400")) == nil)
        #expect(OptionChainSettings.StrikeStep.nice(fractionOfSpot: 0).step(atSpot: decimal("97400")) == nil)
        #expect(OptionChainSettings.StrikeStep.nice(fractionOfSpot: decimal("0.05")).step(atSpot: decimal("97400")) == decimal("5000"))
    }

    @Test(
        "strikes: 10 each side of the strike nearest the spot (the lower one at halfway)",
        arguments: [("97400", "97000"), ("97000", "97000"), ("97500", "97000"), ("97501", "98000"), ("96600", "97000")]
    )
    func strikesAroundTheSpot(spot: String, atTheMoney: String) {
        let chain = Self.chain(spot: spot, now: "2026-12-07T10:00:00Z")
        let center = decimal(atTheMoney)
        #expect(chain.strikes == (-10...10).map { center + Decimal($0) * 1_000 })
        #expect(chain.atTheMoneyStrike == center)
    }

    @Test("strikes are positive: near zero a side holds fewer")
    func strikesArePositive() {
        let settings = OptionChainSettings(strikeStep: .fixed(1), strikesEachSide: 5)
        #expect(Self.chain(spot: "3.2", now: "2026-12-07T10:00:00Z", settings: settings).strikes == (1...8).map { Decimal($0) })
        let wide = OptionChainSettings(strikeStep: .fixed(decimal("0.5")), strikesEachSide: 2)
        #expect(
            Self.chain(spot: "0.6", now: "2026-12-07T10:00:00Z", settings: wide).strikes == [decimal("0.5"), decimal("1"), decimal("1.5")])
    }

    @Test("a fractional step gives exact decimal strikes")
    func fractionalStrikes() {
        let chain = Self.chain(spot: "2.3", now: "2026-12-07T10:00:00Z", settings: OptionChainSettings(strikesEachSide: 2))
        #expect(chain.strikes == ["2.25", "2.275", "2.3", "2.325", "2.35"].map(decimal))
    }

    @Test("without a positive spot nothing is centered: no step and no strikes, expiries still listed")
    func noSpot() {
        for spot in ["0", "-1"] {
            for settings in [OptionChainSettings.crypto, OptionChainSettings(strikeStep: .fixed(1))] {
                let chain = Self.chain(spot: spot, now: "2026-12-07T10:00:00Z", settings: settings)
                #expect(chain.strikes.isEmpty && chain.strikeStep == nil && chain.atTheMoneyStrike == nil)
                #expect(chain.expiries.count == 9)
            }
        }
    }
}
