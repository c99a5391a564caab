import BallastCore
import Foundation
import Testing

@Suite("Failure alarm: one alert per episode of repeated failures")
struct FailureAlarmTests {
    /// The defaults: 5 failures within 300 s.
    static func alarm() -> FailureAlarm { FailureAlarm(threshold: 5, window: .seconds(300)) }

    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    static func failure(_ seconds: Double, _ error: String = "failed", owner: UUID? = nil) -> FailureAlarm.Failure {
        FailureAlarm.Failure(at: at(seconds), error: error, owner: owner)
    }

    /// Records failures at `times` and returns the transitions they caused.
    static func fail(_ alarm: inout FailureAlarm, at times: [Double]) -> [FailureAlarm.Transition] {
        times.compactMap { alarm.recordFailure(failure($0, "error at \(Int($0))")) }
    }

    @Test("N-1 failures within the window raise nothing")
    func belowThreshold() {
        var alarm = Self.alarm()
        #expect(Self.fail(&alarm, at: [0, 10, 20, 30]).isEmpty)
        #expect(!alarm.isAlerting)
    }

    @Test("the Nth failure within the window raises one alert: first and last error, count, start")
    func raised() {
        var alarm = Self.alarm()
        let transitions = Self.fail(&alarm, at: [0, 10, 20, 30, 40])
        #expect(
            transitions == [
                .raised(
                    FailureAlarm.Episode(
                        startedAt: Self.at(0), lastFailureAt: Self.at(40), failures: 5, firstError: "error at 0",
                        lastError: "error at 40", owner: nil))
            ])
        #expect(alarm.isAlerting)
    }

    @Test("more failures in the episode raise nothing more; they are counted and the last error kept")
    func oncePerEpisode() {
        var alarm = Self.alarm()
        _ = Self.fail(&alarm, at: [0, 10, 20, 30, 40])
        #expect(Self.fail(&alarm, at: [50, 60, 70, 400, 800]).isEmpty)
        #expect(alarm.episode?.failures == 10)
        #expect(alarm.episode?.lastError == "error at 800")
        #expect(alarm.episode?.firstError == "error at 0")
    }

    @Test("a success resolves the episode once; a second success says nothing")
    func resolvedOnce() throws {
        var alarm = Self.alarm()
        _ = Self.fail(&alarm, at: [0, 10, 20, 30, 40, 50])
        let transition = alarm.recordSuccess(at: Self.at(60))
        let resolved = try #require(transition)
        guard case .resolved(let episode, let time) = resolved else {
            Issue.record("expected a resolution, got \(resolved)")
            return
        }
        #expect(time == Self.at(60))
        #expect(episode.failures == 6)
        #expect(!alarm.isAlerting)
        #expect(alarm.recordSuccess(at: Self.at(70)) == nil)
    }

    @Test("a new failure streak after the resolution is a new episode, counted from zero")
    func newEpisode() {
        var alarm = Self.alarm()
        _ = Self.fail(&alarm, at: [0, 10, 20, 30, 40])
        _ = alarm.recordSuccess(at: Self.at(50))
        #expect(Self.fail(&alarm, at: [60, 70, 80, 90]).isEmpty)
        let again = Self.fail(&alarm, at: [100])
        #expect(again.count == 1)
        #expect(again.first?.episode.startedAt == Self.at(60))
    }

    @Test(
        "failures spread wider than the window raise nothing",
        arguments: [
            [0.0, 80, 160, 240, 320, 400, 480],  // 4 at most in any 300 s
            [0.0, 75, 150, 225, 300],  // the first is exactly a window older than the fifth
            [0.0, 1, 2, 3, 400, 401, 402],  // two bursts a window apart
        ]
    )
    func spreadOut(times: [Double]) {
        var alarm = Self.alarm()
        #expect(Self.fail(&alarm, at: times).isEmpty)
    }

    @Test("a success before the threshold breaks the streak: a worker failing every other time stays quiet")
    func successBreaksStreak() {
        var alarm = Self.alarm()
        for second in stride(from: 0.0, to: 200, by: 10) {
            #expect(alarm.recordFailure(Self.failure(second)) == nil)
            #expect(alarm.recordSuccess(at: Self.at(second + 5)) == nil)
        }
    }

    @Test("an episode ends after a whole window without a failure, and only then")
    func quietWindow() {
        var alarm = Self.alarm()
        _ = Self.fail(&alarm, at: [0, 10, 20, 30, 40])
        #expect(alarm.resolveIfQuiet(at: Self.at(339)) == nil)
        guard case .resolved(_, let time)? = alarm.resolveIfQuiet(at: Self.at(340)) else {
            Issue.record("expected a resolution a window after the last failure")
            return
        }
        #expect(time == Self.at(340))
        #expect(alarm.resolveIfQuiet(at: Self.at(1_000)) == nil)
    }

    @Test("the owner is the one user every counted failure belonged to, else nobody")
    func owner() {
        let alice = UUID()
        let bob = UUID()
        var theirs = FailureAlarm(threshold: 2, window: .seconds(60))
        _ = theirs.recordFailure(Self.failure(0, owner: alice))
        #expect(theirs.recordFailure(Self.failure(1, owner: alice))?.episode.owner == alice)

        var mixed = FailureAlarm(threshold: 2, window: .seconds(60))
        _ = mixed.recordFailure(Self.failure(0, owner: alice))
        #expect(mixed.recordFailure(Self.failure(1, owner: bob))?.episode.owner == nil)

        var partlyUnknown = FailureAlarm(threshold: 2, window: .seconds(60))
        _ = partlyUnknown.recordFailure(Self.failure(0, owner: alice))
        #expect(partlyUnknown.recordFailure(Self.failure(1))?.episode.owner == nil)
    }

    @Test("a threshold of 1 raises at the first failure")
    func thresholdOne() {
        var alarm = FailureAlarm(threshold: 1, window: .seconds(60))
        #expect(alarm.recordFailure(Self.failure(0))?.episode.failures == 1)
    }
}
