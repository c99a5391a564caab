import Synchronization

/// The baseline server's subscribers by stream name, each with its own bounded queue of frames: the reader hands a
/// frame to every queue and never waits for a socket.
final class BaselineHub: Sendable {
    /// Frames a subscriber may have queued; beyond that new frames are dropped for it (the benchmark counts them as
    /// lost), the baseline's stand-in for cutting a slow client off.
    static let queueLimit = 10_000

    private let subscribers = Mutex<(nextID: Int, byStream: [String: [Int: AsyncStream<String>.Continuation]])>((0, [:]))

    /// Adds a subscriber to `stream`; its frames arrive on the returned sequence until `remove`.
    func add(to stream: String) -> (id: Int, frames: AsyncStream<String>) {
        let (frames, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(Self.queueLimit))
        let id = subscribers.withLock { state in
            state.nextID += 1
            state.byStream[stream, default: [:]][state.nextID] = continuation
            return state.nextID
        }
        return (id, frames)
    }

    func remove(_ id: Int, from stream: String) {
        let continuation = subscribers.withLock { $0.byStream[stream]?.removeValue(forKey: id) }
        continuation?.finish()
    }

    /// Queues `frame` for every subscriber of `stream`.
    func broadcast(_ frame: String, to stream: String) {
        let continuations = subscribers.withLock { $0.byStream[stream].map { Array($0.values) } ?? [] }
        for continuation in continuations { continuation.yield(frame) }
    }
}
