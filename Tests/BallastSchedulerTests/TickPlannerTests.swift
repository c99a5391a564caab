import BallastCore
import Foundation
import Testing

@testable import BallastScheduler

@Suite("Tick arithmetic of the job runner")
struct TickPlannerTests {
    let utc = TimeZone(identifier: "UTC")!

    func date(_ text: String) -> Date { RFC3339.date(from: text)! }

    @Test("nothing is due before the next tick")
    func nothingDue() throws {
        let schedule = try CronExpression("*/5 * * * *", timeZone: utc)
        #expect(TickPlanner.latestDue(schedule, after: date("2026-11-25T10:00:00Z"), now: date("2026-11-25T10:04:59Z")) == nil)
    }

    @Test("the tick that just came due runs and passes over nothing")
    func onTime() throws {
        let schedule = try CronExpression("*/5 * * * *", timeZone: utc)
        let due = try #require(TickPlanner.latestDue(schedule, after: date("2026-11-25T10:00:00Z"), now: date("2026-11-25T10:05:00.200Z")))
        #expect(due.tick == date("2026-11-25T10:05:00Z"))
        #expect(due.passedOver == 0)
    }

    @Test("after downtime only the latest missed tick is due; the others are counted")
    func afterDowntime() throws {
        let schedule = try CronExpression("*/5 * * * *", timeZone: utc)
        let due = try #require(TickPlanner.latestDue(schedule, after: date("2026-11-25T10:00:00Z"), now: date("2026-11-25T11:02:00Z")))
        #expect(due.tick == date("2026-11-25T11:00:00Z"))
        #expect(due.passedOver == 11)
    }

    @Test("two days of missed every-second ticks: the walk stops counting but still finds the latest tick")
    func longDowntime() throws {
        let schedule = try CronExpression("* * * * * *", timeZone: utc)
        let due = try #require(TickPlanner.latestDue(schedule, after: date("2026-11-23T10:00:00Z"), now: date("2026-11-25T10:00:00.500Z")))
        #expect(due.tick == date("2026-11-25T10:00:00Z"))
        #expect(due.passedOver == TickPlanner.countLimit)
    }

    @Test("ticks strictly between two runs")
    func ticksBetween() throws {
        let schedule = try CronExpression("0 * * * *", timeZone: utc)
        #expect(TickPlanner.ticks(of: schedule, between: date("2026-11-25T10:00:00Z"), and: date("2026-11-25T14:00:00Z")) == 3)
        #expect(TickPlanner.ticks(of: schedule, between: date("2026-11-25T10:00:00Z"), and: date("2026-11-25T11:00:00Z")) == 0)
    }

    @Test("starting deadlines: skip tolerates a second of lateness, run-once its deadline, never less than a second")
    func startingDeadlines() {
        #expect(CatchUpPolicy.skip.startingDeadline == .seconds(1))
        #expect(CatchUpPolicy.runOnce(startingDeadline: .seconds(300)).startingDeadline == .seconds(300))
        #expect(CatchUpPolicy.runOnce(startingDeadline: .milliseconds(10)).startingDeadline == .seconds(1))
    }
}
