import BallastCore
import BallastRedis
import Logging
import ServiceLifecycle

/// Market data from Kraken: the WebSocket v2 `trade` channel of the configured symbols, each trade put on
/// `ballast:trades` in Ballast's trade format with Kraken's `trade_id` as its id, so market-data's candles and tickers
/// follow the real market.
///
/// A connection that drops, goes silent or has its subscription refused is made again after a wait that doubles from
/// `initialBackoff` to `maximumBackoff`, with jitter, and starts over after a connection that stayed healthy for
/// `healthyAfter`. Each subscription asks for the recent trades, so a short outage leaves no gap; those already on the
/// stream are skipped by id, atomically with each append (`KrakenTradeFeedPublisher`), so a trade is never there twice,
/// across reconnects, restarts and several feeds at once. An outage is one warning (what failed, the symbols); the
/// attempts after it are debug lines, and the connection that ends it says how many there were.
public struct KrakenTradeFeed: Service {
    public let configuration: KrakenTradeFeedConfiguration
    private let publisher: KrakenTradeFeedPublisher
    private let logger: Logger
    private let onEvent: @Sendable (KrakenTradeFeedEvent) -> Void

    public init(
        configuration: KrakenTradeFeedConfiguration, redis: RedisClient, logger: Logger,
        onEvent: @escaping @Sendable (KrakenTradeFeedEvent) -> Void = { _ in }
    ) {
        self.configuration = configuration
        publisher = KrakenTradeFeedPublisher(
            redis: redis, stream: configuration.stream, lastTradeIDsKey: configuration.lastTradeIDsKey,
            maxLength: configuration.streamMaxLength)
        var logger = logger
        logger[metadataKey: "feed"] = "kraken"
        self.logger = logger
        self.onEvent = onEvent
    }

    /// Runs until the task is cancelled or a graceful shutdown begins; connection failures never end it.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await self.follow() }
        } catch is CancellationError {
            return
        }
    }

    private func follow() async throws {
        let symbols = configuration.symbolList.joined(separator: ",")
        var backoff = Backoff(initial: configuration.initialBackoff, maximum: configuration.maximumBackoff)
        var failedAttempts = 0
        while true {
            let session = KrakenTradeFeedSession(configuration: configuration, publisher: publisher, logger: logger, onEvent: onEvent)
            let failure: any Error
            do {
                try await session.run { [failedAttempts, logger, configuration] in
                    if failedAttempts == 0 {
                        logger.info("Kraken trade feed subscribed", metadata: ["symbols": "\(symbols)", "url": "\(configuration.url)"])
                    } else {
                        logger.info(
                            "Kraken trade feed subscribed again after \(failedAttempts) failed attempts",
                            metadata: ["symbols": "\(symbols)", "attempts": "\(failedAttempts)"])
                    }
                }
                failure = KrakenTradeFeedError.closed
            } catch {
                failure = error
            }
            try Task.checkCancellation()
            if let healthy = session.subscribedDuration, healthy >= configuration.healthyAfter {
                backoff.reset()
                failedAttempts = 0
            }
            failedAttempts += 1
            onEvent(.disconnected(attempt: failedAttempts, reason: "\(failure)"))
            let delay = backoff.nextDelay()
            let metadata: Logger.Metadata = [
                "error": "\(failure)", "symbols": "\(symbols)", "url": "\(configuration.url)", "attempt": "\(failedAttempts)",
                "retry_in_ms": "\(delay.wholeMilliseconds)",
            ]
            if failedAttempts == 1 {
                logger.warning("Kraken trade feed connection failed; reconnecting with backoff", metadata: metadata)
            } else {
                logger.debug("Kraken trade feed reconnect failed", metadata: metadata)
            }
            try await Task.sleep(for: delay)
        }
    }
}
