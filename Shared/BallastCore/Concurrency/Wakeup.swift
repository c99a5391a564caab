import Synchronization

/// Lets a process's own commits start a poller's next round at once instead of after its poll interval: the
/// writer calls `wake()` after committing (outbox rows for the outbox relay, due deliveries for the notifier).
/// Rows written by other processes are still found by polling.
public final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    /// Ends the current (or the next) `wait`.
    public func wake() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns after `wake()`, `timeout` or cancellation, whichever comes first; at once if woken since the
    /// last wait.
    public func wait(upTo timeout: Duration) async {
        let alarm = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { self.wake() }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            wake()
        }
        alarm.cancel()
    }
}
