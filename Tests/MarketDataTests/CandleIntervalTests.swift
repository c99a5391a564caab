import BallastCore
import BallastMarket
import Testing

/// One row of the bucket table: the bucket of `interval` holding `instant` opens at `open` and the next one at `next`.
/// Written by hand from the calendar (UTC; 2026-03-16, 2024-12-30 and 1969-12-29 are Mondays).
struct BucketCase: Sendable, CustomTestStringConvertible {
    let interval: CandleInterval
    let instant: String
    let open: String
    let next: String

    init(_ interval: CandleInterval, _ instant: String, opens open: String, next: String) {
        self.interval = interval
        self.instant = instant
        self.open = open
        self.next = next
    }

    var testDescription: String { "\(interval.rawValue) at \(instant)" }
}

@Suite("Candle intervals")
struct CandleIntervalTests {
    static let buckets: [BucketCase] = [
        // Minutes.
        BucketCase(.oneMinute, "2026-03-14T15:09:26.535", opens: "2026-03-14T15:09", next: "2026-03-14T15:10"),
        BucketCase(.oneMinute, "2026-03-14T15:09:00.000", opens: "2026-03-14T15:09", next: "2026-03-14T15:10"),
        BucketCase(.oneMinute, "2026-03-14T15:09:59.999", opens: "2026-03-14T15:09", next: "2026-03-14T15:10"),
        BucketCase(.oneMinute, "1969-12-31T23:59:59.999", opens: "1969-12-31T23:59", next: "1970-01-01T00:00"),
        BucketCase(.oneMinute, "1970-01-01T00:00:00.000", opens: "1970-01-01T00:00", next: "1970-01-01T00:01"),
        BucketCase(.fiveMinutes, "2026-03-14T15:09:59.999", opens: "2026-03-14T15:05", next: "2026-03-14T15:10"),
        BucketCase(.fiveMinutes, "2026-03-14T15:10:00.000", opens: "2026-03-14T15:10", next: "2026-03-14T15:15"),
        BucketCase(.fiveMinutes, "1969-12-31T23:56:00.000", opens: "1969-12-31T23:55", next: "1970-01-01T00:00"),
        BucketCase(.fifteenMinutes, "2026-03-14T15:44:59.999", opens: "2026-03-14T15:30", next: "2026-03-14T15:45"),
        BucketCase(.fifteenMinutes, "2026-03-14T23:59:59.999", opens: "2026-03-14T23:45", next: "2026-03-15T00:00"),
        BucketCase(.thirtyMinutes, "2026-03-14T15:29:59.999", opens: "2026-03-14T15:00", next: "2026-03-14T15:30"),
        BucketCase(.thirtyMinutes, "2026-03-14T15:30:00.000", opens: "2026-03-14T15:30", next: "2026-03-14T16:00"),
        // Hours.
        BucketCase(.oneHour, "2026-03-14T15:59:59.999", opens: "2026-03-14T15:00", next: "2026-03-14T16:00"),
        BucketCase(.oneHour, "2025-12-31T23:00:00.001", opens: "2025-12-31T23:00", next: "2026-01-01T00:00"),
        BucketCase(.fourHours, "2026-03-14T15:09:26.535", opens: "2026-03-14T12:00", next: "2026-03-14T16:00"),
        BucketCase(.fourHours, "2026-03-14T03:59:59.999", opens: "2026-03-14T00:00", next: "2026-03-14T04:00"),
        BucketCase(.fourHours, "2026-03-14T20:00:00.000", opens: "2026-03-14T20:00", next: "2026-03-15T00:00"),
        BucketCase(.fourHours, "1969-12-31T21:00:00.000", opens: "1969-12-31T20:00", next: "1970-01-01T00:00"),
        // Days.
        BucketCase(.oneDay, "2026-03-14T23:59:59.999", opens: "2026-03-14T00:00", next: "2026-03-15T00:00"),
        BucketCase(.oneDay, "2026-03-15T00:00:00.000", opens: "2026-03-15T00:00", next: "2026-03-16T00:00"),
        BucketCase(.oneDay, "2024-02-29T12:00:00.000", opens: "2024-02-29T00:00", next: "2024-03-01T00:00"),
        BucketCase(.oneDay, "2025-12-31T18:00:00.000", opens: "2025-12-31T00:00", next: "2026-01-01T00:00"),
        BucketCase(.oneDay, "1969-12-31T12:00:00.000", opens: "1969-12-31T00:00", next: "1970-01-01T00:00"),
        // Weeks start on Monday: Sunday's last millisecond and Monday's first fall in different weeks.
        BucketCase(.oneWeek, "2026-03-15T23:59:59.999", opens: "2026-03-09T00:00", next: "2026-03-16T00:00"),
        BucketCase(.oneWeek, "2026-03-16T00:00:00.000", opens: "2026-03-16T00:00", next: "2026-03-23T00:00"),
        BucketCase(.oneWeek, "2026-03-18T12:30:00.000", opens: "2026-03-16T00:00", next: "2026-03-23T00:00"),
        BucketCase(.oneWeek, "2025-01-01T00:00:00.000", opens: "2024-12-30T00:00", next: "2025-01-06T00:00"),
        BucketCase(.oneWeek, "2024-02-29T09:00:00.000", opens: "2024-02-26T00:00", next: "2024-03-04T00:00"),
        BucketCase(.oneWeek, "1970-01-01T00:00:00.000", opens: "1969-12-29T00:00", next: "1970-01-05T00:00"),
        BucketCase(.oneWeek, "1970-01-04T23:59:59.999", opens: "1969-12-29T00:00", next: "1970-01-05T00:00"),
        BucketCase(.oneWeek, "1970-01-05T00:00:00.000", opens: "1970-01-05T00:00", next: "1970-01-12T00:00"),
        // Months of 28, 29, 30 and 31 days; 2100 is not a leap year, 2000 is.
        BucketCase(.oneMonth, "2023-02-28T23:59:59.999", opens: "2023-02-01T00:00", next: "2023-03-01T00:00"),
        BucketCase(.oneMonth, "2024-02-29T23:59:59.999", opens: "2024-02-01T00:00", next: "2024-03-01T00:00"),
        BucketCase(.oneMonth, "2024-03-01T00:00:00.000", opens: "2024-03-01T00:00", next: "2024-04-01T00:00"),
        BucketCase(.oneMonth, "2028-02-15T08:00:00.000", opens: "2028-02-01T00:00", next: "2028-03-01T00:00"),
        BucketCase(.oneMonth, "2100-02-28T23:59:59.999", opens: "2100-02-01T00:00", next: "2100-03-01T00:00"),
        BucketCase(.oneMonth, "2000-02-29T00:00:00.000", opens: "2000-02-01T00:00", next: "2000-03-01T00:00"),
        BucketCase(.oneMonth, "2026-04-30T23:59:59.999", opens: "2026-04-01T00:00", next: "2026-05-01T00:00"),
        BucketCase(.oneMonth, "2026-01-31T23:59:59.999", opens: "2026-01-01T00:00", next: "2026-02-01T00:00"),
        BucketCase(.oneMonth, "2025-12-31T23:59:59.999", opens: "2025-12-01T00:00", next: "2026-01-01T00:00"),
        BucketCase(.oneMonth, "2026-01-01T00:00:00.000", opens: "2026-01-01T00:00", next: "2026-02-01T00:00"),
        BucketCase(.oneMonth, "1969-12-31T23:59:59.999", opens: "1969-12-01T00:00", next: "1970-01-01T00:00"),
    ]

    @Test("buckets open, close and follow where the calendar says", arguments: buckets)
    func bucket(_ row: BucketCase) {
        let instant = utc(row.instant)
        let open = utc(row.open)
        let next = utc(row.next)
        #expect(row.interval.openTime(containing: instant) == open)
        #expect(row.interval.nextOpenTime(after: open) == next)
        #expect(row.interval.nextOpenTime(after: instant) == next)
        #expect(row.interval.closeTime(open: open) == next - 1)
        #expect(row.interval.openTime(containing: open) == open)
        #expect(row.interval.openTime(containing: next - 1) == open)
        #expect(row.interval.openTime(containing: next) == next)
    }

    @Test(
        "every interval has Binance's name",
        arguments: zip(CandleInterval.allCases, ["1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w", "1M"]))
    func names(interval: CandleInterval, name: String) {
        #expect(interval.rawValue == name)
        #expect(CandleInterval(rawValue: name) == interval)
    }

    @Test("buckets agree with Foundation's calendar at pseudo-random times from 1900 to 2200")
    func agreeWithFoundation() async {
        var generator = SplitMix64(seed: 7)
        let from = utc("1900-01-01T00:00")
        let span = UInt64(utc("2200-01-01T00:00") - from)
        for round in 0..<2000 {
            // CPU-bound: leave the shared executor to the tests that wait on servers.
            if round % 50 == 0 { await Task.yield() }
            let time = from + Int64(generator.next() % span)
            for interval in CandleInterval.allCases {
                #expect(interval.openTime(containing: time) == referenceOpenTime(interval, time), "\(interval.rawValue) at \(time)")
            }
        }
    }
}
