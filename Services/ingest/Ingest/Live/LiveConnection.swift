import NIOCore
import NIOWebSocket
import Synchronization

/// One WebSocket client as the hub sees it: the frames queued for it, and how it is to be closed.
///
/// The queue is bounded (`LiveStreamSettings.sendBufferFrames`). A client that lets it fill is aborted: its writer stops
/// at the next frame and the connection closes with `LiveCloseCode.tooSlow`, so one slow reader never holds up the
/// reader that feeds everyone.
final class LiveConnection: Sendable {
    struct Closing: Sendable {
        let code: WebSocketErrorCode
        let reason: String
        /// Stop at once, dropping queued frames (true), or after sending them (false).
        let abort: Bool
    }

    let id: Int
    /// `/stream` connections get `{"stream","data"}` wrappers; `/ws` connections the payloads alone.
    let combined: Bool
    let frames: AsyncStream<ByteBuffer>
    private let continuation: AsyncStream<ByteBuffer>.Continuation
    private let closing = Mutex<Closing?>(nil)
    /// Read by the writer before every frame, so kept apart from `closing`.
    private let aborted = Atomic<Bool>(false)
    private let channel: any Channel

    init(id: Int, combined: Bool, bufferFrames: Int, channel: any Channel) {
        self.id = id
        self.combined = combined
        self.channel = channel
        (frames, continuation) = AsyncStream.makeStream(of: ByteBuffer.self, bufferingPolicy: .bufferingOldest(bufferFrames))
    }

    enum SendResult {
        case queued
        /// The queue was full: the connection is now aborted as too slow.
        case cutOff
        /// The connection is closing already.
        case closed
    }

    /// Queues `frame`, or aborts the connection as too slow when the queue is full.
    @discardableResult
    func send(_ frame: ByteBuffer) -> SendResult {
        switch continuation.yield(frame) {
        case .enqueued: return .queued
        case .dropped:
            let first = close(Closing(code: LiveCloseCode.tooSlow, reason: "too slow: the send buffer is full", abort: true))
            return first ? .cutOff : .closed
        default: return .closed
        }
    }

    /// Queues `text` as a frame.
    @discardableResult
    func send(_ text: String) -> SendResult {
        send(ByteBuffer(string: text))
    }

    /// Ends the connection with `closing`; the first reason given wins. A client that does not read at all (its socket
    /// buffer full, so not even the close frame can be written) is cut: 2 s after an abort, 5 s after a close that
    /// sends the queued frames first. True when this call closed it.
    @discardableResult
    func close(_ closing: Closing) -> Bool {
        let isFirst = self.closing.withLock { current in
            guard current == nil else { return false }
            current = closing
            return true
        }
        guard isFirst else { return false }
        if closing.abort { aborted.store(true, ordering: .relaxed) }
        continuation.finish()
        let channel = channel
        channel.eventLoop.scheduleTask(in: closing.abort ? .seconds(2) : .seconds(5)) { channel.close(promise: nil) }
        return true
    }

    var closingReason: Closing? { closing.withLock { $0 } }

    var isAborted: Bool { aborted.load(ordering: .relaxed) }
}
