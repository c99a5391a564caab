import BallastCore
import Logging
import ServiceLifecycle

/// Runs a start-up step until it reports done, waiting with backoff after a failure or a "not yet",
/// so a service waits out an unreachable Redis or Postgres instead of crashing. Returns at once when a
/// graceful shutdown begins.
public func retryUntilDone(
    _ step: String,
    backoff: Backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(10)),
    logger: Logger,
    _ attempt: @escaping @Sendable () async throws -> Bool
) async {
    var backoff = backoff
    while !Task.isShuttingDownGracefully && !Task.isCancelled {
        do {
            if try await cancelWhenGracefulShutdown(attempt) { return }
        } catch  where error is CancellationError || Task.isShuttingDownGracefully {
            return
        } catch {
            logger.warning("cannot \(step) yet", metadata: ["error": .error(error)])
        }
        do { try await backoff.wait() } catch { return }
    }
}
