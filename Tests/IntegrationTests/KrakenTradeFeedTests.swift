import BallastCore
import BallastMarket
import BallastRedis
import BallastTestSupport
import BallastTrading
import BallastVenues
import Foundation
import Synchronization
import Testing

@testable import MarketData

/// The Kraken trade feed against the simulated Kraken WebSocket and the real Redis (and Postgres for the candles): each
/// test has its own stream, last-id key and symbols, so they run beside every other suite.
@Suite("Kraken trade feed: simulated Kraken v2 into the trades stream, once per trade")
struct KrakenTradeFeedTests {
    /// Two pairs no other test trades (the last prices in Redis are per symbol and shared).
    let pairs: [String] = ["BTC", "ETH"].map { "K\($0)\(UUID().uuidString.prefix(6).uppercased())/USD" }
    let stream = TestServers.unique("kraken-trades")
    let lastTradeIDs = TestServers.unique("kraken-last-trade-id")
    var symbols: [String] { pairs.map { KrakenWebSocketSymbol.symbol(for: $0) } }

    /// Trade ids per pair, as Kraken numbers them.
    final class Market: Sendable {
        let simulator: KrakenWebSocketSimulator
        private let lastIDs = Mutex<[String: Int]>([:])

        init(_ simulator: KrakenWebSocketSimulator) { self.simulator = simulator }

        /// Publishes `count` trades of `pair` with the next ids; prices and quantities with eight decimals.
        func trade(_ pair: String, count: Int = 1) {
            for _ in 0..<count {
                let id = lastIDs.withLock { ids in
                    ids[pair, default: 0] += 1
                    return ids[pair, default: 0]
                }
                simulator.publish(
                    KrakenSimulatedTrade(
                        symbol: pair, side: id % 2 == 0 ? .buy : .sell, price: Decimal(string: "60000.1234567\(id % 10)")!,
                        quantity: Decimal(string: "0.0000000\(id % 9 + 1)")!, tradeID: id, time: Date(), orderType: .market))
            }
        }
    }

    func feedConfiguration(url: String, symbols: [String]? = nil) throws -> KrakenTradeFeedConfiguration {
        var configuration = try KrakenTradeFeedConfiguration(symbols: symbols ?? self.symbols, url: url)
        configuration.stream = stream
        configuration.lastTradeIDsKey = lastTradeIDs
        configuration.initialBackoff = .milliseconds(100)
        configuration.maximumBackoff = .milliseconds(400)
        // Long enough that a full parallel run's busy start is not taken for silence.
        configuration.silenceTimeout = .seconds(8)
        return configuration
    }

    /// Runs `feed` in the background for the length of `body`.
    func whileFeeding<Value: Sendable>(_ feed: KrakenTradeFeed, _ body: @Sendable () async throws -> Value) async throws -> Value {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await feed.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// The stream's trades, oldest first.
    func streamTrades(_ redis: RedisClient) async throws -> [Trade] {
        try await redis.entries(of: stream).map { try TradeMessage.trade(from: try Envelope(fields: $0)) }
    }

    @Test("trades arrive once each and in order; drops, refusals and silence are survived without duplicates or gaps; candles follow")
    func tradesIntoTheStreamOnceEach() async throws {
        let redis = RedisClient(endpoint: try TestServers.redis)
        let simulator = KrakenWebSocketSimulator(pairs: pairs, logger: TestServers.logger)
        let market = Market(simulator)
        let events = Recorder<KrakenTradeFeedEvent>()
        let (stream, pairs, symbols) = (stream, pairs, symbols)
        // Before the feed connects: these come with the subscription's snapshot.
        market.trade(pairs[0], count: 10)
        try await simulator.withRunning { url in
            let feed = KrakenTradeFeed(
                configuration: try feedConfiguration(url: url), redis: redis, logger: TestServers.logger, onEvent: events.append)
            try await whileFeeding(feed) {
                #expect(await eventually(timeout: .seconds(45)) { try await redis.length(of: stream) == 10 })

                for _ in 0..<10 {
                    market.trade(pairs[0])
                    market.trade(pairs[1])
                }
                #expect(await eventually(timeout: .seconds(45)) { try await redis.length(of: stream) == 30 })

                // The connection drops: the feed reconnects and the snapshot's 30 trades are all skipped.
                simulator.dropConnections()
                #expect(await eventually(timeout: .seconds(45)) { simulator.acceptedConnections == 2 && events.all.contains(.subscribed) })
                #expect(await eventually(timeout: .seconds(45)) { skipped(events.all) == 30 })
                market.trade(pairs[1], count: 5)
                #expect(await eventually(timeout: .seconds(45)) { try await redis.length(of: stream) == 35 })

                // Refused for a while: the trades made meanwhile come with the next snapshot.
                simulator.refuseConnections(for: .seconds(30))
                simulator.dropConnections()
                market.trade(pairs[0], count: 5)
                #expect(await eventually(timeout: .seconds(45)) { events.all.contains { "\($0)".contains("WebSocket upgrade failed") } })
                simulator.refuseConnections(for: .zero)
                #expect(await eventually(timeout: .seconds(45)) { try await redis.length(of: stream) == 40 })

                // Silent: the watchdog drops the connection, the trades sent into the void come with the next snapshot.
                simulator.stall(for: .seconds(10))
                market.trade(pairs[1], count: 5)
                #expect(await eventually(timeout: .seconds(45)) { try await redis.length(of: stream) == 45 })
            }
            let reasons = events.all.compactMap { event -> String? in
                if case .disconnected(_, let reason) = event { return reason }
                return nil
            }
            #expect(reasons.contains("Kraken closed the connection"))
            #expect(reasons.contains { $0.contains("nothing from Kraken for 8 s") })
            #expect(reasons.contains { $0.contains("upgrade") })

            // A restarted feed with the same last ids skips the whole snapshot.
            let restarted = KrakenTradeFeed(
                configuration: try feedConfiguration(url: url), redis: redis, logger: TestServers.logger, onEvent: events.append)
            let skippedBefore = skipped(events.all)
            try await whileFeeding(restarted) {
                #expect(await eventually(timeout: .seconds(45)) { skipped(events.all) == skippedBefore + 45 })
            }
            #expect(try await redis.length(of: stream) == 45)
        }

        let trades = try await streamTrades(redis)
        for (pair, symbol) in zip(pairs, symbols) {
            let ids = trades.filter { $0.symbol == symbol }.map(\.id)
            #expect(ids == (1...(pair == pairs[0] ? 25 : 20)).map { TradeID(UInt64($0)) })
        }
        #expect(trades.allSatisfy { "\($0.price)".hasPrefix("60000.1234567") && $0.quantity.units < 10 })
        let lastIDs = try await redis.send("HGETALL", lastTradeIDs).array?.compactMap(\.string) ?? []
        #expect(Set(lastIDs) == [symbols[0], "25", symbols[1], "20"])

        // market-data's consumer makes candles of them: every trade counted once, volumes exact.
        try await TestDatabase.with { database, _ in
            let consumer = StreamConsumer(
                configuration: testConsumerConfiguration(stream: stream, consumer: "c1", group: "market-data"), client: redis,
                handler: try MarketDataPipelineTests.consumer(database), logger: TestServers.logger)
            try await whileRunning([consumer]) {
                #expect(await eventually(timeout: .seconds(45)) { try await database.count("SELECT count(*) FROM trades") == 45 })
            }
            for symbol in symbols {
                let expected = trades.filter { $0.symbol == symbol }
                let volume = expected.reduce(WideDecimal.zero) { $0 + WideDecimal($1.quantity) }
                let rows = try await database.query(
                    "SELECT sum(trade_count)::bigint, trim_scale(sum(volume))::text FROM candles WHERE symbol = \(symbol) AND interval = '1d'"
                )
                for try await (count, total) in rows.decode((Int64, String).self) {
                    #expect(count == Int64(expected.count))
                    #expect(total == "\(volume)")
                }
            }
        }
    }

    @Test("a refused subscription is one warning naming the symbol and Kraken's reason; the feed keeps trying")
    func refusedSubscription() async throws {
        let redis = RedisClient(endpoint: try TestServers.redis)
        let simulator = KrakenWebSocketSimulator(pairs: [pairs[0]], logger: TestServers.logger)
        let events = Recorder<KrakenTradeFeedEvent>()
        try await simulator.withRunning { url in
            let feed = KrakenTradeFeed(
                configuration: try feedConfiguration(url: url), redis: redis, logger: TestServers.logger, onEvent: events.append)
            try await whileFeeding(feed) {
                #expect(await eventually(timeout: .seconds(45)) { simulator.acceptedConnections >= 3 })
            }
        }
        let failures = events.all.compactMap { event -> (Int, String)? in
            if case .disconnected(let attempt, let reason) = event { return (attempt, reason) }
            return nil
        }
        #expect(failures.first?.0 == 1)
        #expect(failures.map(\.0) == Array(1...failures.count))
        // Kraken's reason, with the symbol (on a loaded machine an attempt may also time out before the answer comes).
        let refusal = "Kraken refused the trade subscription of \(symbols[1]): Currency pair not supported \(pairs[1])"
        #expect(failures.contains { $0.1 == refusal }, "\(failures)")
        #expect(!events.all.contains(.subscribed))
    }

    @Test("an outage is one warning with what failed; its later attempts are debug lines; the end says how many attempts failed")
    func oneWarningPerOutage() async throws {
        let redis = RedisClient(endpoint: try TestServers.redis)
        let simulator = KrakenWebSocketSimulator(pairs: pairs, logger: TestServers.logger)
        let events = Recorder<KrakenTradeFeedEvent>()
        let log = CapturedLog()
        simulator.refuseConnections(for: .seconds(30))
        try await simulator.withRunning { url in
            let feed = KrakenTradeFeed(
                configuration: try feedConfiguration(url: url), redis: redis, logger: log.logger(), onEvent: events.append)
            try await whileFeeding(feed) {
                #expect(await eventually(timeout: .seconds(45)) { events.all.count >= 3 })
                simulator.refuseConnections(for: .zero)
                #expect(await eventually(timeout: .seconds(45)) { events.all.contains(.subscribed) })
            }
        }
        let attempts = events.all.filter { if case .disconnected = $0 { true } else { false } }.count
        #expect(attempts >= 2, "\(events.all)")
        let lines = log.text.split(separator: "\n")
        let warnings = lines.filter { $0.hasPrefix("Kraken trade feed connection failed; reconnecting with backoff") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("attempt=1") == true)
        #expect(warnings.first?.contains("error=WebSocket upgrade failed") == true)
        #expect(warnings.first?.contains("symbols=\(symbols.joined(separator: ","))") == true)
        #expect(lines.filter { $0.hasPrefix("Kraken trade feed reconnect failed") }.count == attempts - 1)
        #expect(lines.contains { $0.hasPrefix("Kraken trade feed subscribed again after \(attempts) failed attempts") })
    }

    @Test("a refused connection is named in the reason")
    func connectionRefused() async throws {
        let redis = RedisClient(endpoint: try TestServers.redis)
        let closed = try ClosedPort()
        let events = Recorder<KrakenTradeFeedEvent>()
        let feed = KrakenTradeFeed(
            configuration: try feedConfiguration(url: "ws://127.0.0.1:\(closed.port)/v2"), redis: redis, logger: TestServers.logger,
            onEvent: events.append)
        try await whileFeeding(feed) {
            #expect(await eventually(timeout: .seconds(45)) { !events.all.isEmpty })
        }
        guard case .disconnected(1, let reason)? = events.all.first else {
            Issue.record("no failed attempt: \(events.all)")
            return
        }
        #expect(reason.lowercased().contains("refused"), "\(reason)")
    }

    @Test("a burst of trades, one frame each, reaches the stream once each")
    func burst() async throws {
        let redis = RedisClient(endpoint: try TestServers.redis)
        let simulator = KrakenWebSocketSimulator(pairs: pairs, logger: TestServers.logger)
        let market = Market(simulator)
        let events = Recorder<KrakenTradeFeedEvent>()
        let (stream, pairs) = (stream, pairs)
        let count = 4_000
        let seconds = try await simulator.withRunning { url in
            let feed = KrakenTradeFeed(
                configuration: try feedConfiguration(url: url), redis: redis, logger: TestServers.logger, onEvent: events.append)
            return try await whileFeeding(feed) {
                #expect(await eventually(timeout: .seconds(45)) { events.all.contains(.subscribed) })
                let start = ContinuousClock.now
                for index in 0..<count { market.trade(pairs[index % 2]) }
                #expect(await eventually(timeout: .seconds(45)) { try await redis.length(of: stream) == count })
                let elapsed = ContinuousClock.now - start
                return elapsed
            }
        }
        let milliseconds = max(1, seconds.wholeMilliseconds)
        print("Kraken trade feed burst: \(count) trades in \(milliseconds) ms, \(Int64(count) * 1000 / milliseconds) trades/s")
        #expect(skipped(events.all) == 0)
    }
}

/// Trades the feed found already on the stream, over all symbols.
private func skipped(_ events: [KrakenTradeFeedEvent]) -> Int {
    events.reduce(0) { total, event in
        if case .skipped(_, let count) = event { return total + count }
        return total
    }
}
