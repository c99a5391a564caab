import AsyncHTTPClient
import BallastCore
import Foundation
import NIOCore

/// A built Ballast executable started as a child process, with its output captured.
final class ServiceProcess: @unchecked Sendable {
    let name: String
    let process = Process()
    private let outputFile: URL

    init(_ name: String, environment: [String: String]) throws {
        self.name = name
        outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-e2e-\(name)-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        process.executableURL = try Self.binary(name)
        var inherited = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BALLAST_") }
        inherited.merge(environment) { _, new in new }
        process.environment = inherited
        let handle = try FileHandle(forWritingTo: outputFile)
        process.standardOutput = handle
        process.standardError = handle
    }

    static func binary(_ name: String) throws -> URL {
        guard let directory = ProcessInfo.processInfo.environment["BALLAST_BIN_DIR"], !directory.isEmpty else {
            throw E2EError("BALLAST_BIN_DIR is not set: run the tests through scripts/test")
        }
        let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw E2EError("\(url.path) is missing: build with `swift build` first")
        }
        return url
    }

    func start() throws { try process.run() }

    var output: String {
        (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
    }

    /// Waits for the process to exit and returns its status, or nil if it outlives `timeout`.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: outputFile)
    }
}

struct E2EError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// GETs `url` and returns the status code and body, or nil when nothing answers.
func httpGet(_ url: String) async -> (status: Int, body: String)? {
    do {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(3))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    } catch {
        return nil
    }
}
