import Foundation
import Logging
import NIOWebSocket
import Synchronization
import WSClient

/// A WebSocket client for tests: connects to `url`, records every text message in order, sends what it is told to,
/// and keeps the close frame the server sent.
final class LiveTestClient: Sendable {
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

    init(_ url: String) {
        let (requests, outgoing) = AsyncStream.makeStream(of: String.self)
        self.outgoing = outgoing
        let shared = shared
        task = Task {
            do {
                let close = try await WebSocketClient.connect(
                    url: url, configuration: .init(maxFrameSize: 1 << 20, closeTimeout: .seconds(2)),
                    logger: Logger(label: "live-test-client")
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

    func send(_ text: String) { outgoing.yield(text) }

    var messages: [String] { shared.state.withLock { $0.messages } }
    var close: (code: Int, reason: String)? { shared.state.withLock { $0.close } }
    var ended: Bool { shared.state.withLock { $0.ended } }
    var failure: String? { shared.state.withLock { $0.failure } }

    /// Waits until `count` messages arrived (true) or `timeout` passed (false).
    func waitForMessages(_ count: Int, timeout: Duration = .seconds(10)) async -> Bool {
        await eventually(timeout: timeout) { self.messages.count >= count }
    }

    /// Waits for the connection to end.
    func waitForEnd(timeout: Duration = .seconds(10)) async -> Bool {
        await eventually(timeout: timeout) { self.ended }
    }

    func stop() async {
        outgoing.finish()
        task.cancel()
        _ = await task.value
    }
}
