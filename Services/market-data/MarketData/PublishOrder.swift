import BallastCore
import Synchronization

/// Makes a process's consumers of `ballast:trades` publish their batches' live frames in the order they read the
/// batches, not the order their transactions happened to commit: a batch publishes once every batch read before it
/// (a smaller first entry id) has published or failed, so trade frames leave in stream order with
/// `BALLAST_CONSUMERS_PER_STREAM` > 1. A batch enters when its handling starts: a batch one consumer read ahead while it
/// was busy enters late, and one read after it by another consumer may publish first (a few hundred of 30,000 entries
/// at 1,000 trades/s in the benchmark). A batch whose predecessor takes longer than `patience` publishes anyway, and
/// that predecessor no longer holds up others: a stuck transaction must not hold up the market data.
final class PublishOrder: Sendable {
    /// A batch's place: its first stream entry id.
    struct BatchKey: Comparable, Sendable {
        let milliseconds: UInt64
        let sequence: UInt64

        /// The smallest of a batch's entry ids.
        init(firstOf entryIDs: [String]) {
            self = entryIDs.map(BatchKey.init(entryID:)).min() ?? BatchKey(entryID: "0-0")
        }

        init(entryID: String) {
            let parts = entryID.split(separator: "-", maxSplits: 1)
            milliseconds = parts.first.flatMap { UInt64($0) } ?? 0
            sequence = parts.count == 2 ? UInt64(parts[1]) ?? 0 : 0
        }

        static func < (lhs: BatchKey, rhs: BatchKey) -> Bool { (lhs.milliseconds, lhs.sequence) < (rhs.milliseconds, rhs.sequence) }
    }

    /// How often a waiting batch looks again. Waiting is rare (only when batches commit out of reading order) and
    /// short, so polling costs less than it would to get waking right.
    static let pollInterval: Duration = .milliseconds(1)

    private let inFlight = Mutex<[BatchKey]>([])
    let patience: Duration

    init(patience: Duration = .seconds(2)) {
        self.patience = patience
    }

    /// Registers a batch as read (once: entering again changes nothing); `leave` after publishing (or failing).
    func enter(_ key: BatchKey) {
        inFlight.withLock { keys in
            if !keys.contains(key) { keys.append(key) }
        }
    }

    /// Returns when no batch read before `key` is still in flight, or after `patience`; then the batches before it are
    /// forgotten, so that they do not hold up the ones after it too.
    func waitForTurn(_ key: BatchKey) async {
        let deadline = ContinuousClock.now + patience
        while inFlight.withLock({ keys in keys.contains { $0 < key } }) {
            guard ContinuousClock.now < deadline, !Task.isCancelled else {
                inFlight.withLock { keys in keys.removeAll { $0 < key } }
                return
            }
            try? await Task.sleep(for: Self.pollInterval)
        }
    }

    /// The batch has published (or failed).
    func leave(_ key: BatchKey) {
        inFlight.withLock { keys in
            if let index = keys.firstIndex(of: key) { keys.remove(at: index) }
        }
    }
}
