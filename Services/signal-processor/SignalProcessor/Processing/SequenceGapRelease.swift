import BallastCore
import Foundation
import Logging

/// The `signals.pass-gaps` job: a user's held signals wait at most `wait` for the earlier signal they need
/// (one whose message was dead-lettered never comes); then the hole is passed over and recorded, and the
/// held signals are decided in order.
struct SequenceGapRelease: Sendable {
    let executor: SignalExecutor
    let wait: Duration
    let logger: Logger

    func run() async throws {
        var firstFailure: (any Error)?
        for user in try await executor.usersWithOverdueGaps(wait: wait) {
            do {
                try await executor.passGap(user: user)
            } catch {
                // One user's failure does not keep the others waiting; the next tick tries again.
                logger.warning("cannot pass a signal gap", metadata: ["user_id": "\(user)", "error": .error(error)])
                firstFailure = firstFailure ?? error
            }
        }
        if let firstFailure { throw firstFailure }
    }
}
