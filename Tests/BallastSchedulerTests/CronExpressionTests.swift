import BallastScheduler
import Foundation
import Testing

/// One row of the next-fire table: after `from`, the expression fires at `expected`, in order.
/// Expected times were worked out by hand from cron's rules and the zones' published DST dates.
struct CronFireCase: Sendable, CustomTestStringConvertible {
    let expression: String
    let zone: String
    let from: String
    let expected: [String]

    init(_ expression: String, in zone: String = "UTC", after from: String, _ expected: String...) {
        self.expression = expression
        self.zone = zone
        self.from = from
        self.expected = expected
    }

    var testDescription: String { "'\(expression)' in \(zone) after \(from)" }
}

@Suite("Cron expressions")
struct CronExpressionTests {
    static let fireCases: [CronFireCase] = [
        // Minutes and steps.
        CronFireCase("* * * * *", after: "2026-11-23T14:05:00Z", "2026-11-23T14:06:00Z", "2026-11-23T14:07:00Z", "2026-11-23T14:08:00Z"),
        CronFireCase("* * * * *", after: "2026-11-23T14:05:30.250Z", "2026-11-23T14:06:00Z"),
        CronFireCase("* * * * *", after: "2026-11-23T14:05:59.999Z", "2026-11-23T14:06:00Z"),
        CronFireCase("* * * * *", after: "2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z"),
        CronFireCase("*/5 * * * *", after: "2026-11-23T14:03:00Z", "2026-11-23T14:05:00Z", "2026-11-23T14:10:00Z", "2026-11-23T14:15:00Z"),
        CronFireCase("*/5 * * * *", after: "2026-11-23T14:55:00Z", "2026-11-23T15:00:00Z"),
        CronFireCase("*/7 * * * *", after: "2026-11-23T14:50:00Z", "2026-11-23T14:56:00Z", "2026-11-23T15:00:00Z", "2026-11-23T15:07:00Z"),
        CronFireCase(
            "10-40/5 * * * *", after: "2026-11-23T14:38:00Z",
            "2026-11-23T14:40:00Z", "2026-11-23T15:10:00Z", "2026-11-23T15:15:00Z"
        ),
        CronFireCase(
            "5/15 * * * *", after: "2026-11-23T14:00:00Z",
            "2026-11-23T14:05:00Z", "2026-11-23T14:20:00Z", "2026-11-23T14:35:00Z", "2026-11-23T14:50:00Z", "2026-11-23T15:05:00Z"
        ),
        CronFireCase(
            "0,15,45 * * * *", after: "2026-11-23T14:20:00Z",
            "2026-11-23T14:45:00Z", "2026-11-23T15:00:00Z", "2026-11-23T15:15:00Z"
        ),
        CronFireCase(
            "0 9-17/4 * * *", after: "2026-11-23T10:00:00Z",
            "2026-11-23T13:00:00Z", "2026-11-23T17:00:00Z", "2026-11-24T09:00:00Z"
        ),
        CronFireCase("59 23 31 12 *", after: "2026-06-01T00:00:00Z", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"),
        // Weekdays, by number and by name; Sunday is 0 or 7.
        CronFireCase("30 9 * * 1-5", after: "2026-11-20T09:30:00Z", "2026-11-23T09:30:00Z", "2026-11-24T09:30:00Z", "2026-11-25T09:30:00Z"),
        CronFireCase("30 9 * * mon-fri", after: "2026-11-21T12:00:00Z", "2026-11-23T09:30:00Z", "2026-11-24T09:30:00Z"),
        CronFireCase("30 9 * * MON-FRI", after: "2026-11-27T09:30:00Z", "2026-11-30T09:30:00Z"),
        CronFireCase("0 18 * * fri", after: "2026-11-23T00:00:00Z", "2026-11-27T18:00:00Z", "2026-12-04T18:00:00Z"),
        CronFireCase("0 12 * * SUN", after: "2026-11-23T00:00:00Z", "2026-11-29T12:00:00Z", "2026-12-06T12:00:00Z"),
        CronFireCase("0 12 * * 0", after: "2026-11-23T00:00:00Z", "2026-11-29T12:00:00Z", "2026-12-06T12:00:00Z"),
        CronFireCase("0 12 * * 7", after: "2026-11-23T00:00:00Z", "2026-11-29T12:00:00Z", "2026-12-06T12:00:00Z"),
        CronFireCase(
            "0 8 * * 5-7", after: "2026-11-26T09:00:00Z",
            "2026-11-27T08:00:00Z", "2026-11-28T08:00:00Z", "2026-11-29T08:00:00Z", "2026-12-04T08:00:00Z"
        ),
        CronFireCase("0 8 * * fri-sun", after: "2026-11-29T08:00:00Z", "2026-12-04T08:00:00Z", "2026-12-05T08:00:00Z"),
        CronFireCase("0 0 * * 6,0", after: "2026-11-23T00:00:00Z", "2026-11-28T00:00:00Z", "2026-11-29T00:00:00Z", "2026-12-05T00:00:00Z"),
        // Days of the month and Vixie's day rule.
        CronFireCase(
            "0 0 13 * 5", after: "2026-04-01T00:00:00Z",
            "2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z", "2026-04-13T00:00:00Z", "2026-04-17T00:00:00Z"
        ),
        CronFireCase("0 0 13 * fri", after: "2026-02-01T00:00:00Z", "2026-02-06T00:00:00Z", "2026-02-13T00:00:00Z", "2026-02-20T00:00:00Z"),
        CronFireCase("0 0 13 * *", after: "2026-04-01T00:00:00Z", "2026-04-13T00:00:00Z", "2026-05-13T00:00:00Z", "2026-06-13T00:00:00Z"),
        CronFireCase("0 0 * * 5", after: "2026-04-11T00:00:00Z", "2026-04-17T00:00:00Z", "2026-04-24T00:00:00Z", "2026-05-01T00:00:00Z"),
        CronFireCase("0 0 */2 * 1", after: "2026-11-01T00:00:00Z", "2026-11-09T00:00:00Z", "2026-11-23T00:00:00Z", "2026-12-07T00:00:00Z"),
        CronFireCase("0 0 1 * */2", after: "2026-03-02T00:00:00Z", "2026-08-01T00:00:00Z", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z"),
        CronFireCase("0 0 30 2 1", after: "2026-01-01T00:00:00Z", "2026-02-02T00:00:00Z", "2026-02-09T00:00:00Z", "2026-02-16T00:00:00Z"),
        CronFireCase("0 0 1,15 * *", after: "2026-11-15T00:00:00Z", "2026-12-01T00:00:00Z", "2026-12-15T00:00:00Z", "2027-01-01T00:00:00Z"),
        CronFireCase("0 12 ? * MON", after: "2026-11-23T12:00:00Z", "2026-11-30T12:00:00Z"),
        // Month ends, months by name, leap years.
        CronFireCase(
            "0 0 31 * *", after: "2026-01-31T00:00:00Z",
            "2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z"
        ),
        CronFireCase("0 0 31 * *", after: "2026-12-31T00:00:01Z", "2027-01-31T00:00:00Z", "2027-03-31T00:00:00Z"),
        CronFireCase("0 0 30 * *", after: "2026-01-30T12:00:00Z", "2026-03-30T00:00:00Z", "2026-04-30T00:00:00Z"),
        CronFireCase("0 0 1 jan,jul *", after: "2026-02-01T00:00:00Z", "2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        CronFireCase("0 0 1 JAN-MAR/2 *", after: "2026-01-02T00:00:00Z", "2026-03-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        CronFireCase("0 0 29 2 *", after: "2026-01-01T00:00:00Z", "2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"),
        CronFireCase("0 0 29 2 *", after: "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z"),
        CronFireCase("0 0 29 feb *", after: "2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"),
        CronFireCase("0 0 29 2 1", after: "2026-03-01T00:00:00Z", "2027-02-01T00:00:00Z", "2027-02-08T00:00:00Z", "2027-02-15T00:00:00Z"),
        CronFireCase("0 0 29 2 1", after: "2028-02-27T00:00:00Z", "2028-02-28T00:00:00Z", "2028-02-29T00:00:00Z", "2029-02-05T00:00:00Z"),
        // Macros.
        CronFireCase("@yearly", after: "2026-11-23T14:05:00Z", "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"),
        CronFireCase("@annually", after: "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        CronFireCase("@monthly", after: "2026-11-23T14:05:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        CronFireCase("@weekly", after: "2026-11-23T14:00:00Z", "2026-11-29T00:00:00Z", "2026-12-06T00:00:00Z"),
        CronFireCase("@daily", after: "2026-11-23T14:00:00Z", "2026-11-24T00:00:00Z", "2026-11-25T00:00:00Z"),
        CronFireCase("@DAILY", after: "2026-11-23T14:00:00Z", "2026-11-24T00:00:00Z"),
        CronFireCase("@midnight", after: "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z"),
        CronFireCase("@hourly", after: "2026-11-23T14:05:00Z", "2026-11-23T15:00:00Z", "2026-11-23T16:00:00Z", "2026-11-23T17:00:00Z"),
        // Six fields: seconds first.
        CronFireCase(
            "*/10 * * * * *", after: "2026-11-23T14:05:03Z",
            "2026-11-23T14:05:10Z", "2026-11-23T14:05:20Z", "2026-11-23T14:05:30Z"
        ),
        CronFireCase("*/10 * * * * *", after: "2026-11-23T14:05:09.999Z", "2026-11-23T14:05:10Z"),
        CronFireCase("30 * * * * *", after: "2026-11-23T14:05:30Z", "2026-11-23T14:06:30Z", "2026-11-23T14:07:30Z"),
        CronFireCase("* * * * * *", after: "2026-11-23T14:05:59.500Z", "2026-11-23T14:06:00Z", "2026-11-23T14:06:01Z"),
        CronFireCase("0 30 9 * * mon-fri", after: "2026-11-23T09:30:00Z", "2026-11-24T09:30:00Z"),
        CronFireCase(
            "15,45 */20 * * * *", after: "2026-11-23T14:05:00Z",
            "2026-11-23T14:20:15Z", "2026-11-23T14:20:45Z", "2026-11-23T14:40:15Z"
        ),
        CronFireCase("0 0 12 * * ?", after: "2026-11-23T12:00:00Z", "2026-11-24T12:00:00Z"),
        CronFireCase("59 59 23 31 12 *", after: "2026-12-31T23:59:58Z", "2026-12-31T23:59:59Z", "2027-12-31T23:59:59Z"),
        // Zones without DST on the dates used.
        CronFireCase("0 9 * * *", in: "Asia/Kolkata", after: "2026-11-23T00:00:00Z", "2026-11-23T03:30:00Z", "2026-11-24T03:30:00Z"),
        CronFireCase("0 9 * * *", in: "America/New_York", after: "2026-11-23T00:00:00Z", "2026-11-23T14:00:00Z"),
        CronFireCase("0 9 * * *", in: "Europe/Berlin", after: "2026-07-01T00:00:00Z", "2026-07-01T07:00:00Z"),
        // New York springs forward on 2026-03-08: 02:00 EST (07:00Z) becomes 03:00 EDT.
        CronFireCase(
            "30 2 * * *", in: "America/New_York", after: "2026-03-07T12:00:00Z",
            "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"
        ),
        CronFireCase("0 30 2 * * *", in: "America/New_York", after: "2026-03-07T12:00:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"),
        CronFireCase("0 2 * * *", in: "America/New_York", after: "2026-03-07T12:00:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z"),
        CronFireCase("0 3 * * *", in: "America/New_York", after: "2026-03-07T12:00:00Z", "2026-03-08T07:00:00Z", "2026-03-09T07:00:00Z"),
        CronFireCase(
            "0,20,40 2 * * *", in: "America/New_York", after: "2026-03-08T06:00:00Z",
            "2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z", "2026-03-09T06:20:00Z"
        ),
        CronFireCase(
            "*/15 * * * *", in: "America/New_York", after: "2026-03-08T06:30:00Z",
            "2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z"
        ),
        // New York falls back on 2026-11-01: 02:00 EDT (06:00Z) becomes 01:00 EST, so 01:00-01:59 happens twice.
        CronFireCase(
            "30 1 * * *", in: "America/New_York", after: "2026-10-31T12:00:00Z",
            "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z", "2026-11-03T06:30:00Z"
        ),
        CronFireCase("30 1 * * *", in: "America/New_York", after: "2026-11-01T05:45:00Z", "2026-11-02T06:30:00Z"),
        CronFireCase("0 1 * * *", in: "America/New_York", after: "2026-11-01T04:00:00Z", "2026-11-01T05:00:00Z", "2026-11-02T06:00:00Z"),
        CronFireCase("* 1 * * *", in: "America/New_York", after: "2026-11-01T05:58:00Z", "2026-11-01T05:59:00Z", "2026-11-02T06:00:00Z"),
        CronFireCase("0 2 * * *", in: "America/New_York", after: "2026-10-31T12:00:00Z", "2026-11-01T07:00:00Z", "2026-11-02T07:00:00Z"),
        CronFireCase(
            "*/15 * * * *", in: "America/New_York", after: "2026-11-01T05:30:00Z",
            "2026-11-01T05:45:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:15:00Z", "2026-11-01T06:30:00Z"
        ),
        CronFireCase(
            "30 * * * *", in: "America/New_York", after: "2026-11-01T05:00:00Z",
            "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z"
        ),
        CronFireCase(
            "0 9 * * *", in: "America/New_York", after: "2026-10-31T00:00:00Z",
            "2026-10-31T13:00:00Z", "2026-11-01T14:00:00Z", "2026-11-02T14:00:00Z"
        ),
        // Berlin springs forward on 2026-03-29 (02:00 CET becomes 03:00 CEST at 01:00Z)
        // and falls back on 2026-10-25 (03:00 CEST becomes 02:00 CET at 01:00Z).
        CronFireCase(
            "30 2 * * *", in: "Europe/Berlin", after: "2026-03-28T12:00:00Z",
            "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z"
        ),
        CronFireCase(
            "0 * * * *", in: "Europe/Berlin", after: "2026-03-29T00:00:00Z",
            "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z", "2026-03-29T03:00:00Z"
        ),
        CronFireCase(
            "0 9 * * 1-5", in: "Europe/Berlin", after: "2026-03-27T00:00:00Z",
            "2026-03-27T08:00:00Z", "2026-03-30T07:00:00Z", "2026-03-31T07:00:00Z"
        ),
        CronFireCase("30 2 * * *", in: "Europe/Berlin", after: "2026-10-24T12:00:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"),
        CronFireCase(
            "*/30 * * * *", in: "Europe/Berlin", after: "2026-10-25T00:00:00Z",
            "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:00:00Z"
        ),
        CronFireCase("0 3 * * *", in: "Europe/Berlin", after: "2026-10-24T12:00:00Z", "2026-10-25T02:00:00Z", "2026-10-26T02:00:00Z"),
    ]

    @Test("next fire times", arguments: fireCases)
    func nextFireDates(row: CronFireCase) throws {
        let zone = try #require(TimeZone(identifier: row.zone))
        let expression = try CronExpression(row.expression, timeZone: zone)
        var after = try #require(Self.date(row.from))
        for expected in row.expected {
            let next = try #require(expression.nextFireDate(after: after))
            #expect(next.formatted(.iso8601) == expected)
            after = next
        }
    }

    @Test(
        "invalid expressions say which field is wrong and why",
        arguments: [
            ("", "empty expression"),
            ("  \t ", "empty expression"),
            ("* * * *", "expected 5 or 6 fields, got 4"),
            ("* * * * * * *", "expected 5 or 6 fields, got 7"),
            ("61 * * * * *", "second field '61': 61 is out of range 0-59"),
            ("60 * * * *", "minute field '60': 60 is out of range 0-59"),
            ("0 24 * * *", "hour field '24': 24 is out of range 0-23"),
            ("0 0 32 * *", "day-of-month field '32': 32 is out of range 1-31"),
            ("0 0 0 * *", "day-of-month field '0': 0 is out of range 1-31"),
            ("0 0 * 13 *", "month field '13': 13 is out of range 1-12"),
            ("0 0 * * 8", "day-of-week field '8': 8 is out of range 0-7"),
            ("5,60 * * * *", "minute field '5,60': 60 is out of range 0-59"),
            ("*/0 * * * *", "minute field '*/0': step must be at least 1"),
            ("*/x * * * *", "minute field '*/x': step 'x' is not a number"),
            ("*/ * * * *", "minute field '*/': '*/' has no step after '/'"),
            ("/5 * * * *", "minute field '/5': '/5' has nothing before '/'"),
            ("1/2/3 * * * *", "minute field '1/2/3': '1/2/3' has more than one '/'"),
            ("0 17-9 * * *", "hour field '17-9': range 17-9 runs backwards; ranges do not wrap around, write 17-23,0-9"),
            ("0 0 * * fri-mon", "day-of-week field 'fri-mon': range fri-mon runs backwards; ranges do not wrap around, write 5-7,0-1"),
            ("0 0 * foo *", "month field 'foo': unknown month name 'foo'; expected JAN-DEC"),
            ("0 0 * * mond", "day-of-week field 'mond': unknown day name 'mond'; expected SUN-SAT"),
            ("0 0 * * 1x", "day-of-week field '1x': '1x' is not a number or day name"),
            ("abc * * * *", "minute field 'abc': 'abc' is not a number"),
            ("5x * * * *", "minute field '5x': '5x' is not a number"),
            ("1,,2 * * * *", "minute field '1,,2': empty list item"),
            ("1, * * * *", "minute field '1,': empty list item"),
            ("5- * * * *", "minute field '5-': range '5-' has no end"),
            ("1-2-3 * * * *", "minute field '1-2-3': '1-2-3' is not a valid range"),
            ("? * * * *", "minute field '?': '?' is only allowed in the day-of-month and day-of-week fields"),
            ("@fortnightly", "unknown macro '@fortnightly'; expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly"),
            ("@reboot", "unknown macro '@reboot'; expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly"),
            ("@daily now", "unexpected text after @daily: 'now'"),
            ("0 0 30 2 *", "never fires: February has no day 30"),
            ("0 0 30,31 feb *", "never fires: February has no day 30 or 31"),
            ("0 0 31 4,6,9,11 *", "never fires: April, June, September and November have no day 31"),
            ("0 0 31 2 */2", "never fires: February has no day 31"),
        ]
    )
    func invalid(text: String, description: String) {
        let error = #expect(throws: CronExpressionError.self) { try CronExpression(text) }
        #expect(error?.description == description)
    }

    @Test("an error names its field and reason separately")
    func errorParts() {
        let error = #expect(throws: CronExpressionError.self) { try CronExpression("0 0 32 * *") }
        #expect(error?.field == "day-of-month")
        #expect(error?.fieldText == "32")
        #expect(error?.reason == "32 is out of range 1-31")
        let whole = #expect(throws: CronExpressionError.self) { try CronExpression("* *") }
        #expect(whole?.field == nil)
    }

    @Test(
        "explanations",
        arguments: [
            ("*/5 * * * *", "UTC", "every 5 minutes"),
            ("* * * * *", "UTC", "every minute"),
            ("30 9 * * 1-5", "UTC", "at 09:30 on Monday through Friday (UTC)"),
            ("0 9,17 * * *", "Europe/Berlin", "at 09:00 and 17:00 (Europe/Berlin)"),
            ("0 0 13 * 5", "UTC", "at 00:00 on day 13 of the month or on Friday (UTC)"),
            ("@yearly", "UTC", "at 00:00 on January 1 (UTC)"),
            ("@monthly", "UTC", "at 00:00 on day 1 of the month (UTC)"),
            ("@weekly", "America/New_York", "at 00:00 on Sunday (America/New_York)"),
            ("@hourly", "UTC", "every hour"),
            ("5 * * * *", "UTC", "at minute 5 past every hour"),
            ("0 */2 * * *", "UTC", "every 2 hours (UTC)"),
            ("*/10 * * * * *", "UTC", "every 10 seconds"),
            ("15 30 9 * * *", "UTC", "at 09:30:15 (UTC)"),
            ("*/15 9-17 * * mon-fri", "UTC", "every 15 minutes past every hour from 9 through 17 on Monday through Friday (UTC)"),
            ("0 0 1 jan,jul *", "UTC", "at 00:00 on day 1 of the month in January and July (UTC)"),
            ("0 8 * * 5-7", "UTC", "at 08:00 on Friday through Sunday (UTC)"),
            ("0 0 29 2 *", "UTC", "at 00:00 on February 29 (UTC)"),
            ("0,30 0-5,12 * * 0,7", "UTC", "at minutes 0 and 30 past hours 0 through 5 and 12 on Sunday (UTC)"),
            ("0 12 * * */2", "UTC", "at 12:00 on Sunday, Tuesday, Thursday and Saturday (UTC)"),
        ]
    )
    func explanation(text: String, zone: String, expected: String) throws {
        let expression = try CronExpression(text, timeZone: try #require(TimeZone(identifier: zone)))
        #expect(expression.explanation == expected)
    }

    @Test("the text is kept as given; equality is by text and zone")
    func identity() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let expression = try CronExpression("*/5  * * * *", timeZone: berlin)
        #expect(expression.text == "*/5  * * * *")
        #expect(expression.description == "*/5  * * * *")
        #expect(expression.timeZone == berlin)
        #expect(!expression.hasSeconds)
        #expect(try CronExpression("0 */5 * * * *").hasSeconds)
        #expect(try CronExpression("@daily").hasSeconds == false)
        #expect(expression == (try CronExpression("*/5  * * * *", timeZone: berlin)))
        #expect(expression != (try CronExpression("*/5  * * * *")))
        #expect(Set([expression, try CronExpression("*/5  * * * *", timeZone: berlin)]).count == 1)
    }

    static func date(_ text: String) -> Date? {
        (try? Date(text, strategy: .iso8601)) ?? (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }
}
