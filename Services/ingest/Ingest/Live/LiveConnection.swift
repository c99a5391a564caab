import NIOCore
import NIOWebSocket
import Synchronization

/// One WebSocket client as the hub sees it: the frames queued for it, and how it is to be closed.
///
/// The queue is bounded (`LiveStreamSettings.sendBufferFrames`, counting the frames the writer has taken and not yet
/// written). A client that lets it fill is aborted: its writer stops at the next frame and the connection closes with
/// `LiveCloseCode.tooSlow`, so one slow reader never holds up the reader that feeds everyone.
///
/// The writer takes everything queued at once (`takeFrames`) and writes it before it waits again: a wake-up per batch
/// rather than per frame, which is what the fan-out spends most on after the socket writes themselves.
final class LiveConnection: Sendable {
    struct Closing: Sendable {
        let code: WebSocketErrorCode
        let reason: String
        /// Stop at once, dropping queued frames (true), or after sending them (false).
        let abort: Bool
    }

    /// The frames waiting for the writer, and the writer when it waits for them.
    private struct Queue {
        var frames: [ByteBuffer] = []
        /// Frames of the batch the writer took last, until it comes back for more: they still count against the bound.
        var taken = 0
        /// No frame is queued any more (closed, or aborted and emptied).
        var finished = false
        /// The writer's task was cancelled (its client went away): it takes nothing more.
        var writerCancelled = false
        var waiter: CheckedContinuation<Void, Never>?

        var canTake: Bool { !frames.isEmpty || finished || writerCancelled }
    }

    let id: Int
    /// `/stream` connections get `{"stream","data"}` wrappers; `/ws` connections the payloads alone.
    let combined: Bool
    private let bufferFrames: Int
    private let queue = Mutex(Queue())
    private let closing = Mutex<Closing?>(nil)
    /// Read by the writer before every frame, so kept apart from `closing`.
    private let aborted = Atomic<Bool>(false)
    private let channel: any Channel

    init(id: Int, combined: Bool, bufferFrames: Int, channel: any Channel) {
        self.id = id
        self.combined = combined
        self.bufferFrames = bufferFrames
        self.channel = channel
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
        let bufferFrames = bufferFrames
        let (result, waiter) = queue.withLock { queue -> (SendResult?, CheckedContinuation<Void, Never>?) in
            if queue.finished { return (.closed, nil) }
            guard queue.frames.count + queue.taken < bufferFrames else { return (nil, nil) }
            queue.frames.append(frame)
            defer { queue.waiter = nil }
            return (.queued, queue.waiter)
        }
        waiter?.resume()
        if let result { return result }
        let first = close(Closing(code: LiveCloseCode.tooSlow, reason: "too slow: the send buffer is full", abort: true))
        return first ? .cutOff : .closed
    }

    /// Queues `text` as a frame.
    @discardableResult
    func send(_ text: String) -> SendResult {
        send(ByteBuffer(string: text))
    }

    /// For the connection's one writer: every frame queued, in order, once there is at least one; nil when there will
    /// be no more to write (closed and sent, aborted, or the writer's task cancelled). Calling it again says the frames
    /// it returned last were written.
    func takeFrames() async -> [ByteBuffer]? {
        while true {
            let batch = queue.withLock { queue -> [ByteBuffer]?? in
                queue.taken = 0
                if queue.writerCancelled || isAborted { return .some(nil) }
                if !queue.frames.isEmpty {
                    let frames = queue.frames
                    queue.frames = []
                    queue.taken = frames.count
                    return .some(frames)
                }
                return queue.finished ? .some(nil) : nil
            }
            if let batch { return batch }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let ready = queue.withLock { queue in
                        if queue.canTake { return true }
                        queue.waiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                wakeWriter { $0.writerCancelled = true }
            }
        }
    }

    /// Applies `change` to the queue and resumes the writer if it waits.
    private func wakeWriter(_ change: (inout Queue) -> Void) {
        let waiter = queue.withLock { queue -> CheckedContinuation<Void, Never>? in
            change(&queue)
            defer { queue.waiter = nil }
            return queue.waiter
        }
        waiter?.resume()
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
        wakeWriter { queue in
            queue.finished = true
            if closing.abort { queue.frames = [] }
        }
        let channel = channel
        channel.eventLoop.scheduleTask(in: closing.abort ? .seconds(2) : .seconds(5)) { channel.close(promise: nil) }
        return true
    }

    var closingReason: Closing? { closing.withLock { $0 } }

    var isAborted: Bool { aborted.load(ordering: .relaxed) }
}
