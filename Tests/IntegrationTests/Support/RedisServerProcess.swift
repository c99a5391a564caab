import BallastCore
import BallastRedis
import BallastTestSupport
import Foundation

/// A `redis-server` of a test's own, for tests that stop and restart Redis.
/// Append-only file with fsync on every write, so a restart keeps every acknowledged entry.
final class RedisServerProcess: @unchecked Sendable {
    let port: Int
    let directory: URL
    private var process: Process?

    init() throws {
        port = try freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-redis-\(port)-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var endpoint: RedisEndpoint { RedisEndpoint(host: "127.0.0.1", port: port) }

    func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        process.arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--dir", directory.path,
            "--appendonly", "yes", "--appendfsync", "always", "--save", "",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let client = RedisClient(endpoint: endpoint, poolSize: 1, commandTimeout: .seconds(1))
        for _ in 0..<100 {
            if await client.isReachable() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSetupError("redis-server on port \(port) did not start")
    }

    /// `SHUTDOWN`: Redis flushes its append-only file and exits. (A signal would not do: the test
    /// runner's threads block SIGTERM, and a spawned child inherits that mask.)
    func stop() async {
        guard let process else { return }
        let client = RedisClient(endpoint: endpoint, poolSize: 1, commandTimeout: .seconds(2))
        _ = try? await client.send("SHUTDOWN")
        let deadline = ContinuousClock.now + .seconds(5)
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        self.process = nil
    }

    /// Deletes what Redis kept on disk, so that the next start is empty: a Redis that lost its data. Call while stopped.
    func wipe() throws {
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            try FileManager.default.removeItem(at: directory.appendingPathComponent(file))
        }
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }
}
