import BallastCore
import BallastTestSupport
import Foundation
import Testing

@Suite("A service's log output", .serialized)
struct LogOutputTests {
    /// A notifier process (the service with the least to do), not started yet.
    static func notifier(adminPort: Int, logLevel: String = "info") throws -> ServiceProcess {
        var environment = try ExecutableTests.environment()
        environment[ServiceName.notifier.adminPortVariable] = String(adminPort)
        environment["BALLAST_AUTO_MIGRATE"] = "1"
        environment["BALLAST_LOG_LEVEL"] = logLevel
        return try ServiceProcess("notifier", environment: environment)
    }

    @Test("the last lines before a graceful exit reach standard output, and /metrics counts dropped lines")
    func lastLinesAreWrittenAtExit() async throws {
        let port = try freePort()
        let process = try Self.notifier(adminPort: port)
        try process.start()
        let ready = await poll(timeout: .seconds(30)) { await httpGet("http://127.0.0.1:\(port)/readyz")?.status == 200 }
        #expect(ready, "notifier never became ready:\n\(process.output)")
        let metrics = await httpGet("http://127.0.0.1:\(port)/metrics")?.body ?? ""
        #expect(metrics.contains("ballast_log_lines_dropped_total 0"), "\(metrics)")

        process.signal(SIGTERM)
        #expect(await process.waitForExit(timeout: .seconds(10)) == 0)
        // "stopped" is logged just before exit(0): it is written only if the queue is flushed at exit.
        let lines = process.output.split(separator: "\n")
        #expect(lines.last?.contains("msg=stopped") == true, "\(process.output)")
    }

    @Test("a service whose log reader has gone away keeps running and stops cleanly on SIGTERM, not killed by SIGPIPE")
    func logReaderGone() async throws {
        let port = try freePort()
        let process = try Self.notifier(adminPort: port, logLevel: "debug")
        let pipe = Pipe()
        process.process.standardOutput = pipe
        try process.start()
        // The reader (a log shipper, a terminal) goes away: every later write to standard output fails.
        try pipe.fileHandleForReading.close()
        let ready = await poll(timeout: .seconds(30)) { await httpGet("http://127.0.0.1:\(port)/readyz")?.status == 200 }
        #expect(ready, "notifier never became ready:\n\(process.output)")
        #expect(process.process.isRunning)

        process.signal(SIGTERM)
        #expect(await process.waitForExit(timeout: .seconds(10)) == 0)
        #expect(process.process.terminationReason == .exit, "killed by signal \(process.process.terminationStatus)")
    }
}
