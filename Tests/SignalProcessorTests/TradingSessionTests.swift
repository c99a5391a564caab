import Foundation
import Testing

@testable import BallastTrading

/// The New York stock session: 09:30–16:00 local, Monday to Friday; EST is UTC−5, EDT (from 2026-03-08 to
/// 2026-11-01) UTC−4.
private let newYork = TradingSession(exchange: "NYSE", timeZone: "America/New_York", days: [1, 2, 3, 4, 5], open: "09:30", close: "16:00")

/// An overnight window in UTC that opens Monday to Friday at 22:00 and closes at 02:00 the next morning.
private let overnight = TradingSession(exchange: "FX", timeZone: "UTC", days: [1, 2, 3, 4, 5], open: "22:00", close: "02:00")

@Suite("Trading sessions")
struct TradingSessionTests {
    /// 2026-03-06 is a Friday in EST, 2026-03-09 a Monday in EDT; 2026-10-30 a Friday in EDT, 2026-11-02 a Monday in EST.
    /// The same UTC instant is open on one side of a change and closed on the other: 14:29Z is 10:29 EDT but 09:29 EST.
    @Test(
        "New York trades 09:30 to 16:00 local time on weekdays, on both sides of the DST changes",
        arguments: [
            // Winter, before 2026-03-08: 09:30 EST = 14:30Z, 16:00 EST = 21:00Z.
            ("2026-03-06T14:29:59Z", false),
            ("2026-03-06T14:30:00Z", true),
            ("2026-03-06T20:59:59Z", true),
            ("2026-03-06T21:00:00Z", false),
            // Summer, after 2026-03-08: 09:30 EDT = 13:30Z, 16:00 EDT = 20:00Z.
            ("2026-03-09T13:29:59Z", false),
            ("2026-03-09T13:30:00Z", true),
            ("2026-03-09T14:29:00Z", true),
            ("2026-03-09T19:59:59Z", true),
            ("2026-03-09T20:00:00Z", false),
            ("2026-03-09T20:30:00Z", false),
            // Summer, before 2026-11-01.
            ("2026-10-30T13:29:59Z", false),
            ("2026-10-30T13:30:00Z", true),
            ("2026-10-30T19:59:59Z", true),
            ("2026-10-30T20:00:00Z", false),
            // Winter again, after 2026-11-01.
            ("2026-11-02T13:30:00Z", false),
            ("2026-11-02T14:29:59Z", false),
            ("2026-11-02T14:30:00Z", true),
            ("2026-11-02T20:30:00Z", true),
            ("2026-11-02T21:00:00Z", false),
            // Midday on the weekends of the changes, and on the change days themselves.
            ("2026-03-07T16:00:00Z", false),
            ("2026-03-08T16:00:00Z", false),
            ("2026-10-31T16:00:00Z", false),
            ("2026-11-01T16:00:00Z", false),
        ]
    )
    func newYorkHours(at text: String, open: Bool) {
        #expect(newYork.isOpen(at: instant(text)) == open)
    }

    /// Tokyo is UTC+9: Monday 08:30 there is still Sunday in UTC, and Saturday 08:30 there is Friday in UTC.
    @Test("the weekday is the market's local one, not UTC's")
    func localWeekday() {
        let tokyo = TradingSession(exchange: "TSE", timeZone: "Asia/Tokyo", days: [1, 2, 3, 4, 5], open: "08:00", close: "15:00")
        #expect(tokyo.isOpen(at: instant("2026-03-15T23:30:00Z")))
        #expect(!tokyo.isOpen(at: instant("2026-03-20T23:30:00Z")))
        #expect(tokyo.closing(after: instant("2026-03-15T23:30:00Z")) == instant("2026-03-16T06:00:00Z"))
    }

    /// 2026-03-13 is a Friday; the window that opens then runs into Saturday morning, but none opens on the weekend.
    @Test(
        "an overnight window is open from its opening on a listed day until its close the next morning",
        arguments: [
            ("2026-03-09T21:59:59Z", false),  // Monday, before the open
            ("2026-03-09T22:00:00Z", true),  // Monday
            ("2026-03-09T23:59:59Z", true),
            ("2026-03-10T00:00:00Z", true),  // Tuesday, after Monday's midnight
            ("2026-03-10T01:59:59Z", true),
            ("2026-03-10T02:00:00Z", false),
            ("2026-03-10T12:00:00Z", false),
            ("2026-03-13T23:00:00Z", true),  // Friday
            ("2026-03-14T01:00:00Z", true),  // Saturday morning: Friday's window
            ("2026-03-14T02:00:00Z", false),
            ("2026-03-14T23:00:00Z", false),  // Saturday is not listed
            ("2026-03-15T01:00:00Z", false),  // nor is Saturday night
            ("2026-03-15T23:00:00Z", false),  // Sunday
            ("2026-03-16T01:00:00Z", false),  // Monday morning belongs to Sunday's window
            ("2026-03-16T22:30:00Z", true),
        ]
    )
    func overnightHours(at text: String, open: Bool) {
        #expect(overnight.isOpen(at: instant(text)) == open)
    }

    @Test("a window whose close equals its open runs for 24 hours from the listed day's open")
    func fullDayWindow() {
        let session = TradingSession(exchange: "X", timeZone: "UTC", days: [1], open: "17:00", close: "17:00")
        #expect(session.isOpen(at: instant("2026-03-16T17:00:00Z")))
        #expect(session.isOpen(at: instant("2026-03-17T16:59:59Z")))
        #expect(!session.isOpen(at: instant("2026-03-17T17:00:00Z")))
        #expect(!session.isOpen(at: instant("2026-03-16T16:59:59Z")))
        #expect(session.closing(after: instant("2026-03-16T17:00:00Z")) == instant("2026-03-17T17:00:00Z"))
        #expect(session.closing(after: instant("2026-03-17T09:00:00Z")) == instant("2026-03-17T17:00:00Z"))
    }

    @Test(
        "while a window is open, closing(after:) is its end, on the same day or the next morning",
        arguments: [
            // 11:00 EDT on a Monday closes at 16:00 EDT.
            (newYork, "2026-03-09T15:00:00Z", "2026-03-09T20:00:00Z"),
            // 09:30 EST on a Friday closes at 16:00 EST.
            (newYork, "2026-03-06T14:30:00Z", "2026-03-06T21:00:00Z"),
            (newYork, "2026-11-02T20:59:59Z", "2026-11-02T21:00:00Z"),
            // Before midnight the close is tomorrow's 02:00; after midnight, today's.
            (overnight, "2026-03-13T22:00:00Z", "2026-03-14T02:00:00Z"),
            (overnight, "2026-03-13T23:30:00Z", "2026-03-14T02:00:00Z"),
            (overnight, "2026-03-14T01:59:59Z", "2026-03-14T02:00:00Z"),
        ] as [(TradingSession, String, String)]
    )
    func closing(session: TradingSession, at text: String, closes expected: String) throws {
        let closing = try #require(session.closing(after: instant(text)))
        #expect(closing == instant(expected))
        #expect(session.isOpen(at: closing.addingTimeInterval(-1)))
        #expect(!session.isOpen(at: closing))
    }

    @Test(
        "closing(after:) is nil while the market is closed",
        arguments: [
            (newYork, "2026-03-09T20:00:00Z"), (newYork, "2026-03-07T16:00:00Z"), (overnight, "2026-03-14T02:00:00Z"),
            (overnight, "2026-03-15T01:00:00Z"),
        ] as [(TradingSession, String)]
    )
    func noClosingWhenClosed(session: TradingSession, at text: String) {
        #expect(session.closing(after: instant(text)) == nil)
    }

    /// New York springs forward at 02:00 EST on 2026-03-08 (07:00Z) and falls back at 02:00 EDT on 2026-11-01 (06:00Z).
    /// A window open across a change ends when `isOpen` turns false: 03:00 EDT = 07:00Z in March, 02:00 EST = 07:00Z in
    /// November. `closing(after:)` uses the UTC offset of `date`, not of the close, so it is an hour off.
    @Test(
        "closing(after:) agrees with isOpen when a DST change falls inside the window",
        arguments: [
            ("22:00", "03:00", "2026-03-08T04:00:00Z", "2026-03-08T07:00:00Z"),
            ("22:00", "02:00", "2026-11-01T03:00:00Z", "2026-11-01T07:00:00Z"),
        ]
    )
    func closingAcrossDSTChange(open: String, close: String, at text: String, closes expected: String) throws {
        let session = TradingSession(exchange: "X", timeZone: "America/New_York", days: [6], open: open, close: close)
        #expect(session.isOpen(at: instant(text)))
        #expect(session.isOpen(at: instant(expected).addingTimeInterval(-1)))
        #expect(!session.isOpen(at: instant(expected)))
        let closing = try #require(session.closing(after: instant(text)))
        #expect(closing == instant(expected))
    }

    @Test("a valid session has no problem")
    func validSessions() {
        #expect(newYork.problem == nil)
        #expect(overnight.problem == nil)
        #expect(TradingSession(exchange: "X", timeZone: "Asia/Tokyo", days: [7], open: "00:00", close: "23:59").problem == nil)
    }

    @Test(
        "an invalid session says what is wrong, and is never open",
        arguments: [
            (TradingSession(exchange: " ", timeZone: "UTC", days: [1], open: "09:30", close: "16:00"), "exchange is empty"),
            (
                TradingSession(exchange: "X", timeZone: "America/Gotham", days: [1], open: "09:30", close: "16:00"),
                "unknown time zone 'America/Gotham'"
            ),
            (
                TradingSession(exchange: "X", timeZone: "UTC", days: [1, 8], open: "09:30", close: "16:00"),
                "days must be ISO weekdays 1 (Monday) to 7 (Sunday)"
            ),
            (
                TradingSession(exchange: "X", timeZone: "UTC", days: [0], open: "09:30", close: "16:00"),
                "days must be ISO weekdays 1 (Monday) to 7 (Sunday)"
            ),
            (
                TradingSession(exchange: "X", timeZone: "UTC", days: [], open: "09:30", close: "16:00"),
                "days must be ISO weekdays 1 (Monday) to 7 (Sunday)"
            ),
            (TradingSession(exchange: "X", timeZone: "UTC", days: [1], open: "9:30", close: "16:00"), "open must be HH:MM, got '9:30'"),
            (TradingSession(exchange: "X", timeZone: "UTC", days: [1], open: "0930", close: "16:00"), "open must be HH:MM, got '0930'"),
            (TradingSession(exchange: "X", timeZone: "UTC", days: [1], open: "09:30", close: "24:00"), "close must be HH:MM, got '24:00'"),
            (TradingSession(exchange: "X", timeZone: "UTC", days: [1], open: "09:30", close: "16:60"), "close must be HH:MM, got '16:60'"),
            (
                TradingSession(exchange: "X", timeZone: "UTC", days: [1], open: "09:30", close: "16:00:00"),
                "close must be HH:MM, got '16:00:00'"
            ),
        ] as [(TradingSession, String)]
    )
    func invalid(session: TradingSession, problem: String) {
        #expect(session.problem == problem)
        // 2026-03-16 is a Monday: every field but the broken one would make 12:00 UTC open.
        #expect(!session.isOpen(at: instant("2026-03-16T12:00:00Z")))
        #expect(session.closing(after: instant("2026-03-16T12:00:00Z")) == nil)
    }

    /// `Int("+9")` is 9, so a sign slips through the two-digit check and "+9:30" is taken for 09:30.
    @Test("a time with a sign is not HH:MM", arguments: ["+9:30", "-0:30", "09:+5"])
    func signedTimes(text: String) {
        let session = TradingSession(exchange: "X", timeZone: "UTC", days: [1], open: text, close: "16:00")
        #expect(session.problem == "open must be HH:MM, got '\(text)'")
    }
}
