import BallastCore
import BallastMarket
import Logging
import Synchronization
import WSClient

/// One connection to Kraken: subscribe to every symbol's trades, publish what arrives, until something fails. It never
/// ends without an error saying why, which the feed logs once per outage. A watchdog beside the connection drops it
/// when nothing arrives for `silenceTimeout` (a hung socket, a stopped heartbeat) or the subscription is not answered.
final class KrakenTradeFeedSession: Sendable {
    private let configuration: KrakenTradeFeedConfiguration
    private let publisher: KrakenTradeFeedPublisher
    private let logger: Logger
    private let onEvent: @Sendable (KrakenTradeFeedEvent) -> Void
    private let symbolsByPair: [String: String]
    private let started = ContinuousClock.now
    private let state:
        Mutex<
            (lastMessage: ContinuousClock.Instant, unanswered: Set<String>, subscribedAt: ContinuousClock.Instant?, hasWarned: Bool)
        >

    init(
        configuration: KrakenTradeFeedConfiguration, publisher: KrakenTradeFeedPublisher, logger: Logger,
        onEvent: @escaping @Sendable (KrakenTradeFeedEvent) -> Void
    ) {
        self.configuration = configuration
        self.publisher = publisher
        self.logger = logger
        self.onEvent = onEvent
        symbolsByPair = Dictionary(configuration.symbols.map { ($0.pair, $0.symbol) }, uniquingKeysWith: { first, _ in first })
        state = Mutex((started, Set(configuration.symbols.map(\.pair)), nil, false))
    }

    /// How long the connection was subscribed before it failed; nil when it never was.
    var subscribedDuration: Duration? {
        state.withLock { state in state.subscribedAt.map { ContinuousClock.now - $0 } }
    }

    /// Connects, subscribes and publishes until the connection fails; throws why. `onSubscribed` runs once, when every
    /// symbol's subscription is acknowledged.
    func run(onSubscribed: @escaping @Sendable () -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.connect(onSubscribed: onSubscribed) }
            group.addTask { try await self.watch() }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// The subscribe request for every configured pair, with the recent trades as a snapshot: after a reconnect they
    /// fill what was missed (the publisher skips what is already on the stream).
    static func subscribeRequest(pairs: [String]) -> String {
        JSONValue.object([
            ("method", .string("subscribe")),
            (
                "params",
                .object([("channel", .string("trade")), ("symbol", .array(pairs.map { .string($0) })), ("snapshot", .bool(true))])
            ),
        ]).serialized
    }

    private func connect(onSubscribed: @escaping @Sendable () -> Void) async throws {
        // A snapshot of 50 trades is a few kilobytes; the default 16 KiB frame limit leaves too little room for many pairs.
        let client = WebSocketClientConfiguration(maxFrameSize: 1 << 20, closeTimeout: .seconds(2))
        let request = Self.subscribeRequest(pairs: configuration.symbols.map(\.pair))
        try await WebSocketClient.connect(url: configuration.url, configuration: client, logger: logger) { inbound, outbound, _ in
            self.touch()
            try await outbound.write(.text(request))
            for try await message in inbound.messages(maxSize: 1 << 22) {
                self.touch()
                guard case .text(let text) = message else { continue }
                try await self.handle(text, onSubscribed: onSubscribed)
            }
        }
        throw KrakenTradeFeedError.closed
    }

    private func handle(_ text: String, onSubscribed: @Sendable () -> Void) async throws(KrakenTradeFeedError) {
        let message: KrakenTradeFeedMessage
        do {
            message = try KrakenTradeFeedMessage(parsing: text)
        } catch {
            reject(error)
            return
        }
        switch message {
        case .trades(let krakenTrades, _):
            var trades: [Trade] = []
            trades.reserveCapacity(krakenTrades.count)
            for krakenTrade in krakenTrades {
                guard let symbol = symbolsByPair[krakenTrade.pair] else { continue }
                do {
                    trades.append(try krakenTrade.trade(symbol: symbol))
                } catch {
                    reject(error)
                }
            }
            let outcomes: [KrakenTradeFeedPublisher.Outcome]
            do {
                outcomes = try await publisher.publish(trades)
            } catch {
                throw .publishFailed(error)
            }
            for outcome in outcomes {
                if outcome.published > 0 { onEvent(.published(symbol: outcome.symbol, count: outcome.published)) }
                if outcome.skipped > 0 { onEvent(.skipped(symbol: outcome.symbol, count: outcome.skipped)) }
            }
        case .subscribed(let pair):
            let isComplete = state.withLock { state in
                guard state.unanswered.remove(pair) != nil, state.unanswered.isEmpty else { return false }
                state.subscribedAt = .now
                return true
            }
            if isComplete {
                onEvent(.subscribed)
                onSubscribed()
            }
        case .refused(let method, let pair?, let error) where method == "subscribe":
            throw .subscribeRefused(symbol: symbolsByPair[pair] ?? KrakenWebSocketSymbol.symbol(for: pair), reason: error)
        case .refused(let method, _, let error):
            throw .requestRefused(method: method.isEmpty ? "request" : method, reason: error)
        case .status(let system) where system != "online":
            logger.info("Kraken's trading engine is \(system): trades may pause", metadata: ["url": "\(configuration.url)"])
        case .status, .heartbeat, .pong, .unsubscribed, .other:
            break
        }
    }

    /// Counts what cannot be published; the first of a connection is logged, the rest only counted.
    private func reject(_ error: KrakenTradeFeedError) {
        onEvent(.rejected(error.description))
        let isFirst = state.withLock { state in
            defer { state.hasWarned = true }
            return !state.hasWarned
        }
        if isFirst {
            logger.warning("Kraken trade feed skipped a frame or trade", metadata: ["error": "\(error)"])
        } else {
            logger.debug("Kraken trade feed skipped a frame or trade", metadata: ["error": "\(error)"])
        }
    }

    private func touch() {
        state.withLock { $0.lastMessage = .now }
    }

    private func watch() async throws {
        let timeout = configuration.silenceTimeout
        while true {
            try await Task.sleep(for: min(.seconds(1), timeout / 5))
            let (lastMessage, unanswered) = state.withLock { ($0.lastMessage, $0.unanswered) }
            let now = ContinuousClock.now
            if !unanswered.isEmpty, now - started > timeout {
                let symbols = configuration.symbols.filter { unanswered.contains($0.pair) }.map(\.symbol)
                throw KrakenTradeFeedError.subscribeUnanswered(symbols: symbols, after: timeout)
            }
            if now - lastMessage > timeout { throw KrakenTradeFeedError.silent(after: timeout) }
        }
    }
}
