import BallastCore
import Synchronization

/// Makes a process's consumers of `ballast:trades` publish their batches' live frames in the order they read the
/// batches, not the order their transactions happened to commit: a batch publishes once every batch read before it
/// (a smaller first entry id) has published or failed. So trade frames leave in stream order even with
/// `BALLAST_CONSUMERS_PER_STREAM` > 1. A batch whose predecessor takes longer than `patience` publishes anyway: a
/// stuck transaction must not hold up the market data of the others.
final class PublishOrder: Sendable {
    private struct Waiter {
        let key: BatchKey
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var inFlight: [BatchKey] = []
        var waiters: [Waiter] = []
    }

    /// A batch's place: its first stream entry id.
    struct BatchKey: Comparable, Sendable {
        let milliseconds: UInt64
        let sequence: UInt64

        init(entryID: String) {
            let parts = entryID.split(separator: "-", maxSplits: 1)
            milliseconds = parts.first.flatMap { UInt64($0) } ?? 0
            sequence = parts.count == 2 ? UInt64(parts[1]) ?? 0 : 0
        }

        static func < (lhs: BatchKey, rhs: BatchKey) -> Bool { (lhs.milliseconds, lhs.sequence) < (rhs.milliseconds, rhs.sequence) }
    }

    private let state = Mutex(State())
    let patience: Duration

    init(patience: Duration = .seconds(2)) {
        self.patience = patience
    }

    /// Registers a batch as read; call before storing it, and `leave` after publishing (or failing).
    func enter(_ key: BatchKey) {
        state.withLock { $0.inFlight.append(key) }
    }

    /// Returns when no batch read before `key` is still in flight, or after `patience`.
    func waitForTurn(_ key: BatchKey) async {
        let isFirst = state.withLock { state in !state.inFlight.contains { $0 < key } }
        guard !isFirst else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.state.withLock { state -> Bool in
                        guard state.inFlight.contains(where: { $0 < key }) else { return true }
                        state.waiters.append(Waiter(key: key, continuation: continuation))
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: self.patience)
                self.release(key)
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// The batch has published (or failed): those waiting only for it may go.
    func leave(_ key: BatchKey) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            if let index = state.inFlight.firstIndex(of: key) { state.inFlight.remove(at: index) }
            return Self.takeReady(from: &state)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Lets `key` go whatever is before it (its patience ran out).
    private func release(_ key: BatchKey) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let index = state.waiters.firstIndex(where: { $0.key == key }) else { return nil }
            return state.waiters.remove(at: index).continuation
        }
        waiter?.resume()
    }

    private static func takeReady(from state: inout State) -> [CheckedContinuation<Void, Never>] {
        var ready: [CheckedContinuation<Void, Never>] = []
        state.waiters.removeAll { waiter in
            guard !state.inFlight.contains(where: { $0 < waiter.key }) else { return false }
            ready.append(waiter.continuation)
            return true
        }
        return ready
    }
}
