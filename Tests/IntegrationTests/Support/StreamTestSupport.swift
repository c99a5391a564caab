import BallastCore
import BallastRedis
import Foundation
import Logging
import Synchronization

/// Collects what handlers saw, safely from concurrent tasks.
final class Recorder<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])

    func append(_ item: Element) { items.withLock { $0.append(item) } }
    var all: [Element] { items.withLock { $0 } }
    var count: Int { items.withLock { $0.count } }
}

/// Polls `condition` until it holds or `timeout` passes; a throwing check counts as not yet.
func eventually(timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return (try? await condition()) == true
}

/// Runs `consumers` in the background while `body` runs, then stops them (cancellation).
func whileRunning<Value: Sendable>(
    _ consumers: [StreamConsumer],
    _ body: @Sendable () async throws -> Value
) async throws -> Value {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for consumer in consumers { group.addTask { try await consumer.run() } }
        defer { group.cancelAll() }
        return try await body()
    }
}

func testConsumerConfiguration(stream: String, consumer: String, group: String = "tests") -> StreamConsumerConfiguration {
    var configuration = StreamConsumerConfiguration(stream: stream, group: group, consumer: consumer)
    configuration.block = .milliseconds(100)
    configuration.processingTimeout = .milliseconds(300)
    configuration.claimInterval = .milliseconds(100)
    return configuration
}

func testEnvelopes(_ count: Int, type: String = "test.ping") -> [Envelope] {
    (0..<count).map { index in Envelope(type: type, data: #"{"n":\#(index)}"#) }
}

extension RedisClient {
    func length(of stream: String) async throws -> Int {
        try await send("XLEN", stream).integer ?? 0
    }

    /// Entries of a stream as field maps, oldest first.
    func entries(of stream: String) async throws -> [[String: String]] {
        let reply = try await send("XRANGE", stream, "-", "+")
        return (reply.array ?? []).compactMap { entry in
            guard let parts = entry.array, parts.count == 2, let flat = parts[1].array else { return nil }
            var fields: [String: String] = [:]
            var index = 0
            while index + 1 < flat.count {
                fields[flat[index].string ?? ""] = flat[index + 1].string ?? ""
                index += 2
            }
            return fields
        }
    }

    func pendingCount(stream: String, group: String) async throws -> Int {
        try await send("XPENDING", stream, group).array?.first?.integer ?? 0
    }
}

/// Counts how many tasks are inside a section at once, and the most there ever were.
final class OverlapGauge: Sendable {
    private let state = Mutex<(inside: Int, peak: Int, entries: Int)>((0, 0, 0))

    func enter() {
        state.withLock { state in
            state.inside += 1
            state.entries += 1
            state.peak = max(state.peak, state.inside)
        }
    }

    func leave() { state.withLock { $0.inside -= 1 } }
    var peak: Int { state.withLock { $0.peak } }
    var entries: Int { state.withLock { $0.entries } }
}
