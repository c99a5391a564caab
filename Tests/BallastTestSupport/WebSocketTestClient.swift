import Foundation
import Logging
import NIOWebSocket
import Synchronization
import WSClient

/// A WebSocket client for tests, as a trader's tool would be: it connects to `url`, records every text message in the
/// order it arrived, sends what it is told to, and keeps the close frame the server sent.
public final class WebSocketTestClient: Sendable {
    private struct State {
        var messages: [String] = []
        var close: (code: Int, reason: String)?
        var ended = false
        var failure: String?
    }

    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private let shared = Shared()
    private let outgoing: AsyncStream<String>.Continuation
    private let task: Task<Void, Never>

    public init(_ url: String) {
        let (requests, outgoing) = AsyncStream.makeStream(of: String.self)
        self.outgoing = outgoing
        let shared = shared
        task = Task {
            do {
                let close = try await WebSocketClient.connect(
                    url: url, configuration: .init(maxFrameSize: 1 << 20, closeTimeout: .seconds(2)),
                    logger: Logger(label: "websocket-test-client")
                ) { inbound, outbound, _ in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await request in requests { try await outbound.write(.text(request)) }
                        }
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            if case .text(let text) = message { shared.state.withLock { $0.messages.append(text) } }
                        }
                        group.cancelAll()
                    }
                }
                shared.state.withLock { $0.close = close.map { (Int(UInt16(webSocketErrorCode: $0.closeCode)), $0.reason ?? "") } }
            } catch {
                shared.state.withLock { $0.failure = "\(error)" }
            }
            shared.state.withLock { $0.ended = true }
        }
    }

    public func send(_ text: String) { outgoing.yield(text) }

    public var messages: [String] { shared.state.withLock { $0.messages } }
    public var close: (code: Int, reason: String)? { shared.state.withLock { $0.close } }
    public var ended: Bool { shared.state.withLock { $0.ended } }
    public var failure: String? { shared.state.withLock { $0.failure } }

    /// The messages that are not answers to requests (`{"result"…` or `{"error"…`), in order.
    public var streamFrames: [String] {
        messages.filter { !$0.hasPrefix(#"{"result":"#) && !$0.hasPrefix(#"{"error":"#) }
    }

    /// Waits until `count` messages arrived (true) or `timeout` passed (false).
    public func waitForMessages(_ count: Int, timeout: Duration = .seconds(10)) async -> Bool {
        await waitUntil(timeout: timeout) { self.messages.count >= count }
    }

    /// Waits for the connection to end.
    public func waitForEnd(timeout: Duration = .seconds(10)) async -> Bool {
        await waitUntil(timeout: timeout) { self.ended }
    }

    /// Asks for the connection's subscriptions and waits for the answer: once it is there, the server has registered
    /// the streams named at connect, so whatever is published afterwards reaches this client. Returns the answer, or
    /// nil when none came within `timeout` (the connection failed or was refused).
    public func waitUntilSubscribed(timeout: Duration = .seconds(15)) async -> String? {
        let id = Int.random(in: 1_000_000...9_999_999)
        send(#"{"method":"LIST_SUBSCRIPTIONS","id":\#(id)}"#)
        var answer: String?
        _ = await waitUntil(timeout: timeout) {
            answer = self.messages.first { $0.hasSuffix(#","id":\#(id)}"#) }
            return answer != nil || self.ended
        }
        return answer
    }

    public func stop() async {
        outgoing.finish()
        task.cancel()
        _ = await task.value
    }

    private func waitUntil(timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }
}
