import NIOCore
import Synchronization

/// The baseline server's subscribers by stream name, each with its own bounded queue of frames: the reader hands a
/// frame to every queue and never waits for a socket.
final class BaselineHub: Sendable {
    /// Frames a subscriber may have queued (ingest's default send buffer); beyond that new frames are dropped for it
    /// (counted as lost by the benchmark), the baseline's stand-in for cutting a slow client off.
    static let queueLimit = 4_096

    private let subscribers = Mutex<(nextID: Int, byStream: [String: [Int: AsyncStream<ByteBuffer>.Continuation]])>((0, [:]))

    /// Adds a subscriber to `stream`; its frames arrive on the returned sequence until `remove`.
    func add(to stream: String) -> (id: Int, frames: AsyncStream<ByteBuffer>) {
        let (frames, continuation) = AsyncStream.makeStream(of: ByteBuffer.self, bufferingPolicy: .bufferingOldest(Self.queueLimit))
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

    /// Queues `frame` for every subscriber of `stream`: one buffer shared by all of them, as ingest shares it.
    func broadcast(_ frame: ByteBuffer, to stream: String) {
        let continuations = subscribers.withLock { $0.byStream[stream].map { Array($0.values) } ?? [] }
        for continuation in continuations { continuation.yield(frame) }
    }
}
