import BallastCore
import Foundation
import Testing

@Suite("Worker alarms: the process's alarms by worker, and their settings")
struct WorkerAlarmsTests {
    struct Refused: Error, CustomStringConvertible {
        var description: String { "SQLSTATE 23505; constraint orders_pkey" }
    }

    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Notices queued so far, without waiting for more.
    static func drain(_ alarms: WorkerAlarms) async -> [WorkerAlarms.Notice] {
        alarms.finishNotices()
        var notices: [WorkerAlarms.Notice] = []
        for await notice in alarms.notices { notices.append(notice) }
        return notices
    }

    @Test("workers are counted apart; each raises and resolves once, in order")
    func perWorker() async {
        let alarms = WorkerAlarms(settings: AlertSettings(failures: 3, window: .seconds(60)))
        for second in 0..<5 {
            alarms.failed("job a", reason: "boom", at: Self.start.addingTimeInterval(Double(second)))
        }
        alarms.failed("job b", reason: "boom", at: Self.start)
        alarms.succeeded("job a", at: Self.start.addingTimeInterval(10))
        alarms.succeeded("job a", at: Self.start.addingTimeInterval(11))
        alarms.succeeded("never failed", at: Self.start)
        #expect(alarms.alerting.isEmpty)
        let notices = await Self.drain(alarms)
        #expect(notices.map(\.worker) == ["job a", "job a"])
        guard notices.count == 2, case .raised = notices[0].transition, case .resolved = notices[1].transition else {
            Issue.record("expected raised then resolved, got \(notices)")
            return
        }
    }

    @Test("an error is kept as its type and diagnosis, cut at 500 characters")
    func errorText() async {
        let alarms = WorkerAlarms(settings: AlertSettings(failures: 2, window: .seconds(60)))
        alarms.failed("consumer s", error: Refused(), at: Self.start)
        alarms.failed("consumer s", reason: String(repeating: "x", count: 2_000), at: Self.start)
        #expect(alarms.alerting == ["consumer s"])
        let episode = await Self.drain(alarms).first?.transition.episode
        #expect(episode?.firstError == "Refused: SQLSTATE 23505; constraint orders_pkey")
        #expect(episode?.lastError.count == 500)
    }

    @Test("quiet workers are resolved a window after their last failure")
    func quiet() async {
        let alarms = WorkerAlarms(settings: AlertSettings(failures: 1, window: .seconds(60)))
        alarms.failed("outbox relay", reason: "down", at: Self.start)
        alarms.resolveQuiet(at: Self.start.addingTimeInterval(30))
        #expect(alarms.alerting == ["outbox relay"])
        alarms.resolveQuiet(at: Self.start.addingTimeInterval(60))
        #expect(alarms.alerting.isEmpty)
        #expect(await Self.drain(alarms).count == 2)
    }

    @Test("settings: 5 failures within 300 s unless set")
    func defaults() throws {
        #expect(try AlertSettings(environment: EnvironmentReader([:])) == AlertSettings(failures: 5, window: .seconds(300)))
        let set = try AlertSettings(environment: EnvironmentReader(["BALLAST_ALERT_FAILURES": "3", "BALLAST_ALERT_WINDOW_SECONDS": "60"]))
        #expect(set == AlertSettings(failures: 3, window: .seconds(60)))
    }

    @Test(
        "unusable settings name their variable",
        arguments: [("BALLAST_ALERT_FAILURES", "0"), ("BALLAST_ALERT_WINDOW_SECONDS", "-1"), ("BALLAST_ALERT_WINDOW_SECONDS", "5m")]
    )
    func unusable(variable: String, value: String) {
        #expect {
            _ = try AlertSettings(environment: EnvironmentReader([variable: value]))
        } throws: { error in
            (error as? ConfigurationError)?.variable == variable
        }
    }
}
