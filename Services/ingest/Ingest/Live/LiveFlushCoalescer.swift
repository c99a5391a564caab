import NIOCore

/// Turns the flushes asked for during one event-loop tick into one, at the end of the tick's queued work.
///
/// swift-websocket's writer flushes after every frame, and a flush is a `writev` system call: at 100 subscribers per
/// symbol that call was half of ingest's CPU. The writes of a connection's batch reach the event loop as tasks queued
/// together, so deferring the flush until they have run sends the batch in one call (and one TCP segment where it
/// fits), without changing what is written or in which order. A close flushes first, so nothing written before it is
/// dropped.
final class LiveFlushCoalescer: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = Any

    private var flushScheduled = false

    func flush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushIfScheduled(context)
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        flushIfScheduled(context)
        context.close(mode: mode, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        flushIfScheduled(context)
    }

    private func flushIfScheduled(_ context: ChannelHandlerContext) {
        guard flushScheduled else { return }
        flushScheduled = false
        context.flush()
    }
}
