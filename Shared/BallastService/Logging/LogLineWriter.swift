import Foundation
import Metrics

/// Hands finished log lines to a dedicated thread that writes them to a sink, so that a log call never
/// waits for standard output: a terminal scrolled back, a full pipe or a slow log shipper would otherwise
/// stall whichever task logged, and with it a thread of Swift's cooperative pool.
///
/// The queue holds at most `capacityBytes` of lines. When it is full a new line is dropped and counted in
/// `droppedLines` (`ballast_log_lines_dropped_total` on `/metrics`): losing log lines is better than
/// holding up requests and messages. Lines keep their order; a line is never split.
public final class LogLineWriter: @unchecked Sendable {
    // Every variable below is guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [[UInt8]] = []
    private var queuedBytes = 0
    /// True while the thread writes lines it took from the queue.
    private var isWriting = false

    private let sink: any LogSink
    private let capacityBytes: Int
    private let droppedLines: Counter

    public init(sink: any LogSink, capacityBytes: Int, droppedLines: Counter) {
        self.sink = sink
        self.capacityBytes = capacityBytes
        self.droppedLines = droppedLines
        let thread = Thread { [self] in writeLoop() }
        thread.name = "ballast-log-writer"
        thread.start()
    }

    /// Queues `line` and returns at once; drops it when the queue is full.
    public func write(_ line: String) {
        let bytes = Array(line.utf8)
        condition.lock()
        guard queuedBytes + bytes.count <= capacityBytes else {
            condition.unlock()
            droppedLines.increment()
            return
        }
        queue.append(bytes)
        queuedBytes += bytes.count
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every line queued so far is written, at most `timeout`; false if lines remain.
    @discardableResult
    public func flush(timeout: Duration) -> Bool {
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
        condition.lock()
        defer { condition.unlock() }
        while !queue.isEmpty || isWriting {
            if !condition.wait(until: deadline) { return queue.isEmpty && !isWriting }
        }
        return true
    }

    private func writeLoop() {
        while true {
            condition.lock()
            while queue.isEmpty { condition.wait() }
            let lines = queue
            queue.removeAll(keepingCapacity: true)
            queuedBytes = 0
            isWriting = true
            condition.unlock()

            // One write for everything queued: fewer system calls when lines come in bursts.
            let written = sink.write(Array(lines.joined()))
            if !written { droppedLines.increment(by: lines.count) }

            condition.lock()
            isWriting = false
            condition.broadcast()
            condition.unlock()
        }
    }
}

extension LogLineWriter {
    /// The process's standard output (file descriptor 1), with room for 8 MiB of lines. Lines still queued
    /// when the process calls `exit` are written first, for at most a second, so the last lines of a
    /// shutdown or a failure are not lost.
    public static let standardOutput: LogLineWriter = {
        let writer = LogLineWriter(
            sink: FileDescriptorLogSink.standardOutput,
            capacityBytes: 8 << 20,
            droppedLines: Counter(label: "ballast_log_lines_dropped_total")
        )
        atexit { LogLineWriter.standardOutput.flush(timeout: .seconds(1)) }
        return writer
    }()
}
