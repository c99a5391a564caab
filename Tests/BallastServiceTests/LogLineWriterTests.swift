import Foundation
import Logging
import Metrics
import Prometheus
import Synchronization
import Testing

@testable import BallastService

@Suite("Log lines are written off the caller's thread")
struct LogLineWriterTests {
    /// A counter registered in a registry of its own, so the test reads it as `/metrics` would show it.
    struct DroppedLinesMetric {
        let registry = PrometheusCollectorRegistry()

        var counter: Metrics.Counter {
            Metrics.Counter(label: "ballast_log_lines_dropped_total", factory: PrometheusMetricsFactory(registry: registry))
        }

        var value: Int {
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n")
                .first { $0.hasPrefix("ballast_log_lines_dropped_total ") }
            return line.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
        }
    }

    /// Remembers every write, each after a pause, like a terminal or a log shipper that keeps up slowly.
    final class SlowSink: LogSink {
        let written = Mutex<[UInt8]>([])
        let pause: Duration

        init(pause: Duration) { self.pause = pause }

        func write(_ bytes: [UInt8]) -> Bool {
            Thread.sleep(forTimeInterval: Double(pause.components.seconds) + Double(pause.components.attoseconds) / 1e18)
            written.withLock { $0 += bytes }
            return true
        }

        var lines: [String] {
            written.withLock { String(decoding: $0, as: UTF8.self) }.split(separator: "\n").map(String.init)
        }
    }

    static func logger(_ writer: LogLineWriter) -> Logger {
        Logger(label: "test") { label in StructuredLogHandler(label: label, format: .logfmt, level: .info, writer: writer) }
    }

    @Test("a log call returns at once while nobody reads standard output, and the lines it drops are counted")
    func fullPipeDoesNotBlockTheCaller() throws {
        let pipe = Pipe()
        let metric = DroppedLinesMetric()
        let writer = LogLineWriter(
            sink: FileDescriptorLogSink(fileDescriptor: pipe.fileHandleForWriting.fileDescriptor),
            capacityBytes: 64 << 10,
            droppedLines: metric.counter
        )
        let logger = Self.logger(writer)
        // 2,000 lines of about 1 KiB: far more than the pipe (64 KiB on Linux) and the queue hold together.
        let lineCount = 2_000
        let payload = String(repeating: "x", count: 1_000)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            for number in 0..<lineCount { logger.info("line", metadata: ["n": "\(number)", "payload": "\(payload)"]) }
            finished.signal()
        }.start()
        let returnedAtOnce = finished.wait(timeout: .now() + 1) == .success

        // Now read the pipe, so that a blocked caller and the writer can finish, then count what arrived.
        let received = Mutex<[UInt8]>([])
        let drained = DispatchSemaphore(value: 0)
        Thread {
            while true {
                let data = pipe.fileHandleForReading.availableData
                if data.isEmpty { break }
                received.withLock { $0 += data }
            }
            drained.signal()
        }.start()
        if !returnedAtOnce { finished.wait() }
        #expect(writer.flush(timeout: .seconds(10)))
        try pipe.fileHandleForWriting.close()
        drained.wait()
        let receivedLines = received.withLock { String(decoding: $0, as: UTF8.self) }.split(separator: "\n")

        #expect(returnedAtOnce, "2,000 log calls took more than 1 s: the caller waited for the full pipe")
        #expect(metric.value > 0)
        #expect(receivedLines.count + metric.value == lineCount)
        #expect(receivedLines.allSatisfy { $0.hasPrefix("ts=") && $0.hasSuffix(payload) })
    }

    @Test("flush waits until every queued line is written, in order")
    func flushWritesEverythingQueued() {
        let sink = SlowSink(pause: .milliseconds(5))
        let metric = DroppedLinesMetric()
        let writer = LogLineWriter(sink: sink, capacityBytes: 1 << 20, droppedLines: metric.counter)
        let logger = Self.logger(writer)
        for number in 0..<200 { logger.info("line \(number)") }

        #expect(writer.flush(timeout: .seconds(10)))
        #expect(sink.lines.map { $0.split(separator: "msg=")[1] } == (0..<200).map { "\"line \($0)\"" })
        #expect(metric.value == 0)
    }

    @Test("flush gives up after its timeout when the sink never returns")
    func flushIsBounded() {
        let sink = SlowSink(pause: .seconds(10))
        let writer = LogLineWriter(sink: sink, capacityBytes: 1 << 20, droppedLines: DroppedLinesMetric().counter)
        Self.logger(writer).info("stuck")
        let start = ContinuousClock.now

        #expect(!writer.flush(timeout: .milliseconds(200)))
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}
