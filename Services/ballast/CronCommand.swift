import ArgumentParser
import BallastCore
import BallastScheduler
import Foundation

struct CronCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron",
        abstract: "Try cron expressions: their next fire times, or what they mean in words.",
        discussion: """
            5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first; see docs/scheduler.md. \
            Needs neither Postgres nor Redis.
            """,
        subcommands: [Next.self, Explain.self]
    )

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the next fire times, one RFC 3339 UTC timestamp per line.",
            discussion: "Example: ballast cron next \"*/5 * * * *\" --from 2026-11-23T14:03:00Z --count 3"
        )

        @Argument(help: "The expression, quoted, e.g. \"*/5 * * * *\", \"0 30 9 * * mon-fri\" or \"@daily\".")
        var expression: String

        @Option(help: "Start strictly after this instant (RFC 3339, e.g. 2026-11-23T14:05:00Z). Default: now.")
        var from: String?

        @Option(help: "How many fire times to print.")
        var count = 1

        @Option(name: .customLong("tz"), help: "The IANA time zone the fields are read in, e.g. Europe/Berlin.")
        var timeZone = "UTC"

        func run() throws {
            guard count >= 1 else { throw CommandFailure.exit("--count must be at least 1, got \(count)", code: 2) }
            let schedule = try CronCommand.expression(expression, timeZone: timeZone)
            var after = Date()
            if let from {
                guard let date = RFC3339.date(from: from) else {
                    throw CommandFailure.exit("--from '\(from)' is not an RFC 3339 timestamp such as 2026-11-23T14:05:00Z", code: 2)
                }
                after = date
            }
            for _ in 0..<count {
                guard let next = schedule.nextFireDate(after: after) else { return }
                print(next.formatted(.iso8601))
                after = next
            }
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say in words when an expression fires.",
            discussion: "Example: ballast cron explain \"30 9 * * mon-fri\" --tz America/New_York"
        )

        @Argument(help: "The expression, quoted, e.g. \"30 9 * * mon-fri\".")
        var expression: String

        @Option(name: .customLong("tz"), help: "The IANA time zone the fields are read in, e.g. Europe/Berlin.")
        var timeZone = "UTC"

        func run() throws {
            print(try CronCommand.expression(expression, timeZone: timeZone).explanation)
        }
    }

    /// Parses the command line's expression and zone, or ends the command with code 2 and the reason.
    static func expression(_ text: String, timeZone name: String) throws -> CronExpression {
        guard let zone = TimeZone(identifier: name) else {
            throw CommandFailure.exit("unknown time zone '\(name)'; use an IANA name such as UTC or Europe/Berlin", code: 2)
        }
        do {
            return try CronExpression(text, timeZone: zone)
        } catch {
            throw CommandFailure.exit("invalid cron expression '\(text)': \(error)", code: 2)
        }
    }
}
