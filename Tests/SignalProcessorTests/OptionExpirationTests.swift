import Foundation
import Testing

@testable import BallastTrading

/// Reading a signal's `expiration` and choosing the listed expiry it names, on BTC-USD's chain on Monday 2026-12-07
/// 10:00 UTC (expiries 12-08, 12-09, 12-10, 12-11, 12-18, 12-25, 01-01, 01-29, 02-26, each 08:00 UTC).
@Suite("Option expirations")
struct OptionExpirationTests {
    static let now = instant("2026-12-07T10:00:00Z")
    static let chain = OptionChain(underlying: "BTC-USD", spot: 97_400, now: now, settings: .crypto)

    @Test(
        "an expiration is a date, an RFC 3339 instant or a count of days, weeks or months ahead",
        arguments: [
            ("2026-12-11", ExpirationRule.on(instant("2026-12-11T08:00:00Z"))),
            ("2026-12-11T08:00:00Z", .on(instant("2026-12-11T08:00:00Z"))),
            ("2026-12-11T15:30:00+02:00", .on(instant("2026-12-11T13:30:00Z"))),
            ("2026-12-07", .on(instant("2026-12-07T08:00:00Z"))),
            ("+7d", .after(days: 7)),
            ("+0d", .after(days: 0)),
            ("+2w", .after(days: 14)),
            ("+1 day", .after(days: 1)),
            ("+7 days", .after(days: 7)),
            ("+3D", .after(days: 3)),
            ("+1 week", .after(days: 7)),
            ("+2 Weeks", .after(days: 14)),
            // 2026-12-07 to 2027-06-07.
            ("+6 months", .after(days: 182)),
            ("+1 month", .after(days: 31)),
            ("+99999d", .after(days: 99_999)),
        ]
    )
    func parsed(text: String, rule: ExpirationRule) {
        #expect(ExpirationRule(text: text, now: Self.now) == rule)
    }

    @Test("a month ahead of a month's last day is the next month's last day")
    func monthEnds() {
        #expect(ExpirationRule(text: "+1 month", now: instant("2027-01-31T12:00:00Z")) == .after(days: 28))
        #expect(ExpirationRule(text: "+1 month", now: instant("2028-01-31T12:00:00Z")) == .after(days: 29))
        #expect(ExpirationRule(text: "+12 months", now: instant("2028-02-29T12:00:00Z")) == .after(days: 365))
    }

    @Test(
        "anything else is not an expiration",
        arguments: [
            "", "7d", "+", "+d", "+7", "+7x", "+-7d", "+ 7d", "+7  d", "+7m", "+123456d", "+٧d", "2026-13-01", "2026-02-30", "2026-12-1",
            "20261211", "2026/12/11", "tomorrow", " +7d", "+7d ", "2026-12-11T08:00:00", "12/11/2026", "+1.5d",
        ]
    )
    func refused(text: String) {
        #expect(ExpirationRule(text: text, now: Self.now) == nil)
    }

    @Test(
        "a rule names one listed expiry; relative rules compare UTC dates, as the bridges do",
        arguments: [
            (ExpirationRule.nearest, "2026-12-08"),
            (.on(instant("2026-12-11T08:00:00Z")), "2026-12-11"),
            (.on(instant("2026-12-11T23:59:59Z")), "2026-12-11"),
            (.on(instant("2027-02-26T00:00:00Z")), "2027-02-26"),
            (.after(days: 0), "2026-12-08"),
            (.after(days: 1), "2026-12-08"),
            (.after(days: 3), "2026-12-10"),
            (.after(days: 4), "2026-12-11"),
            (.after(days: 5), "2026-12-18"),
            (.after(days: 7), "2026-12-18"),
            (.after(days: 81), "2027-02-26"),
        ]
    )
    func chosen(rule: ExpirationRule, day: String) throws {
        let contract = try Self.chain.select(kind: .call, strike: nil, expiration: rule, selection: nil)
        #expect(contract.expiry == instant("\(day)T08:00:00Z"))
    }

    static let listed =
        "listed expiries (08:00 UTC) are 2026-12-08, 2026-12-09, 2026-12-10, 2026-12-11, 2026-12-18, 2026-12-25, "
        + "2027-01-01, 2027-01-29, 2027-02-26"

    @Test(
        "an expiration that names no listed expiry, or one that has passed, is refused with what is listed",
        arguments: [
            (
                ExpirationRule.on(instant("2026-12-12T08:00:00Z")),
                OptionSelectionError.noExpiry(expiration: .on(instant("2026-12-12T08:00:00Z")), listed: chain.expiries),
                "expiration: no option expires on 2026-12-12; \(listed)"
            ),
            (
                .after(days: 82), .noExpiry(expiration: .after(days: 82), listed: chain.expiries),
                "expiration: no option expires 82 days or more from today; \(listed)"
            ),
            (
                .on(instant("2026-12-07T23:00:00Z")),
                .expiryInPast(expiration: instant("2026-12-07T08:00:00Z"), now: now),
                "expiration: 2026-12-07 08:00 UTC has passed (it is 2026-12-07 now); ask for a later date or a relative expiration such as +7d"
            ),
            (
                .on(instant("2025-01-01T08:00:00Z")),
                .expiryInPast(expiration: instant("2025-01-01T08:00:00Z"), now: now),
                "expiration: 2025-01-01 08:00 UTC has passed (it is 2026-12-07 now); ask for a later date or a relative expiration such as +7d"
            ),
            (
                .after(days: -1),
                .expiryInPast(expiration: instant("2026-12-06T08:00:00Z"), now: now),
                "expiration: 2026-12-06 08:00 UTC has passed (it is 2026-12-07 now); ask for a later date or a relative expiration such as +7d"
            ),
        ] as [(ExpirationRule, OptionSelectionError, String)]
    )
    func refusedExpiry(rule: ExpirationRule, expected: OptionSelectionError, message: String) {
        #expect(throws: expected) { try Self.chain.select(kind: .put, strike: nil, expiration: rule, selection: nil) }
        #expect(expected.field == "expiration")
        #expect(expected.description == message)
    }

    @Test("a chain that lists no expiries has no nearest one")
    func nothingListed() {
        let chain = OptionChain(
            underlying: "BTC-USD", spot: 97_400, now: Self.now,
            settings: OptionChainSettings(dailyCount: 0, weeklyCount: 0, monthlyCount: 0))
        let expected = OptionSelectionError.noExpiry(expiration: .nearest, listed: [])
        #expect(throws: expected) { try chain.select(kind: .call, strike: nil, expiration: .nearest, selection: nil) }
        #expect(expected.description == "expiration: no expiries are listed")
    }

    @Test("far dates neither trap nor pass for listed expiries")
    func farDates() {
        for date in [Date.distantFuture, Date.distantPast, Date(timeIntervalSince1970: .infinity), Date(timeIntervalSince1970: -.infinity)]
        {
            #expect(throws: OptionSelectionError.self) {
                try Self.chain.select(kind: .call, strike: nil, expiration: .on(date), selection: nil)
            }
        }
        #expect(throws: OptionSelectionError.self) {
            try Self.chain.select(kind: .call, strike: nil, expiration: .after(days: Int.max), selection: nil)
        }
        #expect(throws: OptionSelectionError.self) {
            try Self.chain.select(kind: .call, strike: nil, expiration: .after(days: Int.min), selection: nil)
        }
    }
}
