import Logging
import NIOWebSocket
import Synchronization
import WSClient

/// The load client: every subscriber a WebSocket of this one process (on NIO's shared event loops), each recording
/// the trade id of every frame and the monotonic instant it arrived. Nothing is decoded beyond the id, so that the
/// client takes as little as possible of the CPU the servers share with it.
final class SubscriberFleet: Sendable {
    /// One frame as a subscriber saw it.
    struct Sample {
        var tradeID: UInt64
        var receivedAt: UInt64
    }

    /// How a subscriber's connection ended.
    enum Ending: Sendable, Equatable {
        /// Closed by the benchmark at the end of the run.
        case stopped
        /// The server closed it (or refused the upgrade) before the run ended.
        case closedByServer(code: String, reason: String)
        case failed(String)
    }

    struct Subscriber {
        var symbolIndex: Int
        var samples: [Sample]
        var ending: Ending
    }

    let urls: [(symbolIndex: Int, url: String)]
    /// Connections whose upgrade succeeded.
    let connected = Atomic<Int>(0)
    /// Connections that ended (failed to connect or closed).
    let ended = Atomic<Int>(0)
    /// Connections that received at least one trade.
    let receiving = Atomic<Int>(0)
    /// Frames of trades at or after `measuredFromID`.
    let measuredFrames = Atomic<Int>(0)
    /// Frames with no trade id in them (answers, errors).
    let otherFrames = Atomic<Int>(0)
    let measuredFromID = Atomic<UInt64>(.max)
    private let isStopping = Atomic<Bool>(false)
    private let results = Mutex<[Int: Subscriber]>([:])
    private let logger: Logger

    /// `urls`: one connection each, with the index of the symbol it subscribes to.
    init(urls: [(symbolIndex: Int, url: String)], logger: Logger) {
        self.urls = urls
        self.logger = logger
    }

    /// Opens every connection (at most `handshakes` upgrades in flight, so the server's accept queue is not the
    /// test) and keeps them until the task is cancelled; returns what each subscriber saw, in `urls` order.
    func run(handshakes: Int = 64, expectedFrames: Int) async -> [Subscriber] {
        await withTaskGroup(of: Void.self) { group in
            for (index, target) in urls.enumerated() {
                while index - connected.load(ordering: .relaxed) - ended.load(ordering: .relaxed) >= handshakes {
                    try? await Task.sleep(for: .milliseconds(2))
                }
                if Task.isCancelled { break }
                group.addTask { await self.subscribe(index: index, target: target, expectedFrames: expectedFrames) }
            }
            await group.waitForAll()
        }
        return results.withLock { results in
            urls.indices.map { results[$0] ?? Subscriber(symbolIndex: urls[$0].symbolIndex, samples: [], ending: .stopped) }
        }
    }

    /// Marks the end of the run: connections that end from now on were closed by the benchmark.
    func stop() { isStopping.store(true, ordering: .sequentiallyConsistent) }

    private func subscribe(index: Int, target: (symbolIndex: Int, url: String), expectedFrames: Int) async {
        let samples = Mutex<[Sample]>([])
        let configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 20, closeTimeout: .seconds(1))
        var ending: Ending
        do {
            let close = try await WebSocketClient.connect(url: target.url, configuration: configuration, logger: logger) {
                inbound, _, _ in
                self.connected.add(1, ordering: .relaxed)
                var received: [Sample] = []
                received.reserveCapacity(expectedFrames)
                defer { samples.withLock { $0 = received } }
                for try await frame in inbound {
                    let now = MonotonicClock.nanoseconds()
                    guard let id = frame.data.withUnsafeReadableBytes({ TradeIDScanner.tradeID(in: $0) }) else {
                        self.otherFrames.add(1, ordering: .relaxed)
                        continue
                    }
                    if received.isEmpty { self.receiving.add(1, ordering: .relaxed) }
                    received.append(Sample(tradeID: id, receivedAt: now))
                    if id >= self.measuredFromID.load(ordering: .relaxed) { self.measuredFrames.add(1, ordering: .relaxed) }
                }
            }
            ending =
                if isStopping.load(ordering: .sequentiallyConsistent) {
                    .stopped
                } else {
                    .closedByServer(
                        code: close.map { "\(UInt16(webSocketErrorCode: $0.closeCode))" } ?? "none", reason: close?.reason ?? "")
                }
        } catch {
            ending = isStopping.load(ordering: .sequentiallyConsistent) ? .stopped : .failed("\(error)")
        }
        ended.add(1, ordering: .relaxed)
        let subscriber = Subscriber(symbolIndex: target.symbolIndex, samples: samples.withLock { $0 }, ending: ending)
        results.withLock { $0[index] = subscriber }
    }
}
