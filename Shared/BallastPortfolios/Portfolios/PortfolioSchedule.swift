import BallastScheduler
import Foundation

/// When a scheduled portfolio rebalances: an interval, or a cron expression, in a time zone. The next time is the
/// schedule's next fire time after now, never "last time plus the interval", so runs do not drift later.
public struct PortfolioSchedule: Sendable, Equatable {
    public enum Interval: String, Sendable, Codable, CaseIterable {
        case hourly, daily, weekly, monthly, cron

        /// The cron expression of a named interval: at the start of the hour, day, week (Monday) or month.
        var expression: String? {
            switch self {
            case .hourly: "0 * * * *"
            case .daily: "0 0 * * *"
            case .weekly: "0 0 * * 1"
            case .monthly: "0 0 1 * *"
            case .cron: nil
            }
        }
    }

    public var interval: Interval
    public var cron: CronExpression
    public var timeZone: TimeZone
    /// The zone's name as the owner gave it: `TimeZone(identifier: "UTC")` names itself `GMT` on Linux.
    public var timeZoneName: String

    /// A named interval, or (`.cron`) the expression `cron`; nil with the reason when the expression or time zone is
    /// not valid.
    public static func make(
        interval: Interval, cron: String?, timeZone identifier: String
    ) -> Result<PortfolioSchedule, PortfolioFieldError> {
        guard let timeZone = TimeZone(identifier: identifier) else {
            return .failure(PortfolioFieldError("timeZone", "'\(identifier)' is not an IANA time zone"))
        }
        let text: String
        if let expression = interval.expression {
            text = expression
        } else if let cron, !cron.isEmpty {
            text = cron
        } else {
            return .failure(PortfolioFieldError("cron", "is required when interval is cron"))
        }
        do {
            return .success(
                PortfolioSchedule(
                    interval: interval, cron: try CronExpression(text, timeZone: timeZone), timeZone: timeZone, timeZoneName: identifier))
        } catch {
            return .failure(PortfolioFieldError("cron", "\(error)"))
        }
    }

    /// The first time after `date` the schedule fires.
    public func next(after date: Date) -> Date? { cron.nextFireDate(after: date) }
}
