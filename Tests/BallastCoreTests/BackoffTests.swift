import BallastCore
import Testing

@Suite("Backoff")
struct BackoffTests {
    @Test("delays double up to the maximum, with jitter between half and all of the ceiling")
    func growth() {
        var backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1))
        let ceilings: [Duration] = [
            .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1),
        ]
        for ceiling in ceilings {
            let delay = backoff.nextDelay()
            #expect(delay <= ceiling && delay >= ceiling / 2)
        }
        backoff.reset()
        #expect(backoff.nextDelay() <= .milliseconds(100))
    }

    @Test("RFC 3339 timestamps parse with and without fractions and in any offset")
    func timestamps() {
        #expect(RFC3339.date(from: "2026-11-23T14:05:00Z") == RFC3339.date(from: "2026-11-23T15:05:00.000+01:00"))
        #expect(RFC3339.date(from: "23/11/2026") == nil)
    }
}

@Suite("RFC 3339")
struct RFC3339Tests {
    @Test(
        "the canonical form round-trips, before and after 1970, and impossible dates are refused",
        arguments: [
            "2026-11-23T14:05:00.123Z", "1969-12-31T23:59:59.999Z", "2024-02-29T00:00:00.000Z", "2000-01-01T00:00:00.000Z",
        ]
    )
    func roundTrip(text: String) throws {
        let date = try #require(RFC3339.date(from: text))
        #expect(RFC3339.string(from: date) == text)
    }

    @Test("impossible or foreign forms")
    func others() {
        #expect(RFC3339.date(from: "2026-02-30T00:00:00.000Z") == nil)
        #expect(RFC3339.date(from: "2026-11-23T14:05:00+01:00") == RFC3339.date(from: "2026-11-23T13:05:00.000Z"))
    }
}
