import BallastCore
import BallastRedis
import BallastUsers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import PostgresNIO
import Testing

@testable import BallastMarket
@testable import MarketData

@Suite("Trades into candles with real Postgres and Redis, and the klines API")
struct MarketDataPipelineTests {
    /// Seeded trades of three symbols over five weeks, across a month end, out of time order.
    static func trades(count: Int = 600, seed: UInt64 = 7) -> [Trade] {
        var market = SimulatedMarket(symbols: ["BTC-USD", "ETH-USD", "SOL-USD"], seed: seed, firstTradeID: 1_000)
        var generator = SystemRandomNumberGenerator()
        let start: Int64 = 1_772_000_000_000  // 2026-02-25
        let span: Int64 = 35 * 24 * 3_600_000
        return (0..<count).map { _ in market.nextTrade(at: start + Int64.random(in: 0..<span, using: &generator)) }
    }

    static func messages(_ trades: [Trade]) -> [StreamMessage] {
        trades.enumerated().map { index, trade in
            StreamMessage(stream: "test", entryID: "\(index)-0", envelope: TradeMessage.envelope(for: trade), deliveryCount: 1)
        }
    }

    static func consumer(_ database: PostgresClient) throws -> TradeConsumer {
        TradeConsumer(
            store: TradeStore(database: database, logger: TestServers.logger),
            publisher: LiveMarketPublisher(redis: RedisClient(endpoint: try TestServers.redis)),
            logger: TestServers.logger
        )
    }

    /// Every candle row as text, for comparing whole tables.
    static func snapshot(_ database: PostgresClient) async throws -> [String] {
        let rows = try await database.query(
            """
            SELECT symbol || ' ' || interval || ' ' || open_time || ' ' || close_time || ' ' || trim_scale(open) || ' '
                || trim_scale(high) || ' ' || trim_scale(low) || ' ' || trim_scale(close) || ' ' || trim_scale(volume) || ' '
                || trim_scale(quote_volume) || ' ' || trade_count
            FROM candles ORDER BY symbol, interval, open_time
            """
        )
        var lines: [String] = []
        for try await line in rows.decode(String.self) { lines.append(line) }
        return lines
    }

    /// The candles of `trades` computed here, without the production code: Foundation's calendar for
    /// buckets, `Decimal` for sums, a sort for open and close.
    static func expectedCandles(_ trades: [Trade]) -> [String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        calendar.firstWeekday = 2
        func bucket(_ time: Int64, _ interval: String) -> (open: Int64, close: Int64) {
            let date = Date(timeIntervalSince1970: Double(time) / 1000)
            let minutes = ["1m": 1, "5m": 5, "15m": 15, "30m": 30, "1h": 60, "4h": 240, "1d": 1440]
            if let length = minutes[interval].map({ Int64($0) * 60_000 }) {
                let open = time / length * length
                return (open, open + length - 1)
            }
            let component: Calendar.Component = interval == "1w" ? .weekOfYear : .month
            let interval = calendar.dateInterval(of: component, for: date)!
            let open = Int64(interval.start.timeIntervalSince1970 * 1000)
            return (open, Int64(interval.end.timeIntervalSince1970 * 1000) - 1)
        }
        func trimmed(_ value: Decimal) -> String { "\(value)" }
        var groups: [String: [Trade]] = [:]
        var closes: [String: Int64] = [:]
        for trade in trades {
            for interval in ["1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w", "1M"] {
                let (open, close) = bucket(trade.time, interval)
                let key = "\(trade.symbol) \(interval) \(open)"
                groups[key, default: []].append(trade)
                closes[key] = close
            }
        }
        return groups.map { key, trades in
            let ordered = trades.sorted { ($0.time, $0.id) < ($1.time, $1.id) }
            let prices = trades.map { Decimal(string: "\($0.price)")! }
            let volume = trades.reduce(Decimal(0)) { $0 + Decimal(string: "\($1.quantity)")! }
            let quote = trades.reduce(Decimal(0)) { $0 + Decimal(string: "\($1.price)")! * Decimal(string: "\($1.quantity)")! }
            return [
                key, "\(closes[key]!)", "\(ordered.first!.price)", trimmed(prices.max()!), trimmed(prices.min()!),
                "\(ordered.last!.price)", trimmed(volume), trimmed(quote), "\(trades.count)",
            ].joined(separator: " ")
        }.sorted {
            $0.split(separator: " ").lexicographicallyPrecedes($1.split(separator: " ")) { a, b in
                if let x = Int64(a), let y = Int64(b) { return x < y }
                return a < b
            }
        }
    }

    @Test("candles of all nine intervals equal an independent computation; a replay, shuffled, changes nothing")
    func candlesFromTrades() async throws {
        try await TestDatabase.with { database, _ in
            let trades = Self.trades()
            let consumer = try Self.consumer(database)
            for chunk in stride(from: 0, to: trades.count, by: 100) {
                let results = await consumer.handle(Self.messages(Array(trades[chunk..<min(chunk + 100, trades.count)])))
                #expect(results.allSatisfy { if case .success = $0 { true } else { false } })
            }
            let first = try await Self.snapshot(database)
            #expect(first.sorted() == Self.expectedCandles(trades).sorted())

            for chunk in stride(from: 0, to: trades.count, by: 70) {
                let shuffled = Array(trades.shuffled()[chunk..<min(chunk + 70, trades.count)])
                _ = await consumer.handle(Self.messages(shuffled))
            }
            #expect(try await Self.snapshot(database) == first)
            #expect(try await database.count("SELECT count(*) FROM trades") == trades.count)
        }
    }

    @Test("two consumers storing the same trades at once count each trade once")
    func concurrentConsumers() async throws {
        try await TestDatabase.with { database, _ in
            let trades = Self.trades(count: 400, seed: 11)
            let consumer = try Self.consumer(database)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        for chunk in stride(from: 0, to: trades.count, by: 50) {
                            let results = await consumer.handle(
                                Self.messages(Array(trades.shuffled()[chunk..<min(chunk + 50, trades.count)])))
                            for result in results { try result.get() }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let candles = try await Self.snapshot(database)
            // Each chunk of a shuffle leaves some trades to the other consumer; the union is every trade once.
            let stored = try await database.count("SELECT count(*) FROM trades")
            let all = try await database.query("SELECT symbol, trade_id FROM trades")
            var keys: [String] = []
            for try await (symbol, id) in all.decode((String, String).self) { keys.append("\(symbol)|\(id)") }
            let storedTrades = trades.filter { keys.contains("\($0.symbol)|\($0.id)") }
            #expect(stored == storedTrades.count)
            #expect(candles.sorted() == Self.expectedCandles(storedTrades).sorted())
        }
    }

    @Test("a bad trade is refused with its reason (dead-lettered), the good ones of its batch are stored")
    func badTrade() async throws {
        try await TestDatabase.with { database, _ in
            let good = Self.trades(count: 2)
            var messages = Self.messages(good)
            let bad = Envelope(
                type: TradeMessage.type,
                data: #"{"symbol":"BTC-USD","price":"-5","quantity":"1","side":"buy","tradeId":9,"ts":1772000000000}"#
            )
            messages.append(StreamMessage(stream: "test", entryID: "9-0", envelope: bad, deliveryCount: 1))
            let results = await (try Self.consumer(database)).handle(messages)
            guard case .failure(let error) = results[2] else {
                Issue.record("the bad trade was accepted")
                return
            }
            #expect(error is UnprocessableMessage)
            #expect("\(error)".contains("price"))
            #expect(try await database.count("SELECT count(*) FROM trades") == 2)
        }
    }

    @Test("klines: Binance-style arrays in time order; unknown symbol, bad interval, startTime > endTime, limit > 1000 are 400")
    func klines() async throws {
        try await TestDatabase.with { database, _ in
            let trades = Self.trades(count: 300)
            _ = await (try Self.consumer(database)).handle(Self.messages(trades))
            let users = UserStore(database: database, logger: TestServers.logger)
            try await users.createUser(named: "alice")
            let key = try await users.createAPIKey(forUser: "alice").key
            let configuration = try IngestConfiguration(environment: EnvironmentReader([:]))
            try await Application(router: try ingestRouter(database, configuration)).test(.router) { client in
                func get(_ query: String) async throws -> (HTTPResponse.Status, String) {
                    try await client.execute(uri: "/api/v1/klines?\(query)", method: .get, headers: [.authorization: "Bearer \(key)"]) {
                        ($0.status, String(buffer: $0.body))
                    }
                }
                let (status, body) = try await get("symbol=btc-usd&interval=1h&limit=1000")
                #expect(status == .ok)
                let rows = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[Any]])
                let expected = Self.expectedCandles(trades).filter { $0.hasPrefix("BTC-USD 1h ") }
                #expect(rows.count == expected.count)
                let openTimes = rows.compactMap { ($0.first as? NSNumber)?.int64Value }
                #expect(openTimes == openTimes.sorted())
                let firstLine = rows.first.map { row in
                    "BTC-USD 1h \(row[0]) \(row[6]) \(row[1]) \(row[2]) \(row[3]) \(row[4]) \(row[5]) \(row[7]) \(row[8])"
                }
                #expect(firstLine == expected.first)
                let latestTwo =
                    try JSONSerialization.jsonObject(with: Data(try await get("symbol=BTC-USD&interval=1h&limit=2").1.utf8)) as? [[Any]]
                #expect(latestTwo?.compactMap { ($0.first as? NSNumber)?.int64Value } == Array(openTimes.suffix(2)))

                #expect(try await get("symbol=NOPE-USD&interval=1h").0 == .badRequest)
                #expect(try await get("symbol=BTC-USD&interval=2h").0 == .badRequest)
                #expect(try await get("symbol=BTC-USD&interval=1h&startTime=20&endTime=10").0 == .badRequest)
                #expect(try await get("symbol=BTC-USD&interval=1h&limit=1001").0 == .badRequest)
                #expect(try await get("interval=1h").0 == .badRequest)
            }
        }
    }
}

@Suite("Flat candles for buckets without trades")
struct CandleGapFillerTests {
    @Test("ended buckets without trades get the previous close and zero volume; a late trade replaces a flat candle")
    func fillsGaps() async throws {
        try await TestDatabase.with { database, _ in
            let consumer = try MarketDataPipelineTests.consumer(database)
            let hour: Int64 = 1_772_000_400_000  // 2026-02-25T06:20:00Z
            func trade(_ id: TradeID, minute: Int64, price: String) throws -> Trade {
                try Trade(
                    symbol: "BTC-USD", price: FixedDecimal(price)!, quantity: FixedDecimal("1")!, side: .buy, id: id,
                    time: hour + minute * 60_000 + 10)
            }
            _ = await consumer.handle(
                MarketDataPipelineTests.messages([try trade(1, minute: 0, price: "100"), try trade(2, minute: 5, price: "105")]))
            let filler = CandleGapFiller(database: database, logger: TestServers.logger)
            try await filler.fill(now: hour + 7 * 60_000 + 1)

            let minutes = try await database.query(
                """
                SELECT open_time, trim_scale(open)::text, trim_scale(close)::text, trim_scale(volume)::text, trade_count
                FROM candles WHERE symbol = 'BTC-USD' AND interval = '1m' ORDER BY open_time
                """
            )
            var rows: [String] = []
            for try await (open, first, close, volume, count) in minutes.decode((Int64, String, String, String, Int64).self) {
                rows.append("\((open - hour) / 60_000) \(first) \(close) \(volume) \(count)")
            }
            // Minutes 0..6 ended before the run; minute 6 follows the trade of minute 5.
            #expect(
                rows == [
                    "0 100 100 1 1", "1 100 100 0 0", "2 100 100 0 0", "3 100 100 0 0", "4 100 100 0 0", "5 105 105 1 1", "6 105 105 0 0",
                ])

            // Running again writes nothing new; a late trade in minute 3 replaces its flat candle.
            #expect(try await filler.fill(now: hour + 7 * 60_000 + 1) == 0)
            _ = await consumer.handle(MarketDataPipelineTests.messages([try trade(3, minute: 3, price: "99")]))
            let minute3 = try await database.query(
                """
                SELECT trim_scale(open)::text, trim_scale(high)::text, trim_scale(low)::text, trim_scale(volume)::text, trade_count
                FROM candles WHERE symbol = 'BTC-USD' AND interval = '1m' AND open_time = \(hour + 3 * 60_000)
                """
            )
            for try await row in minute3.decode((String, String, String, String, Int64).self) {
                #expect(row == ("99", "99", "99", "1", 1))
            }
        }
    }
}

@Suite("24 h tickers in Redis, and the ticker API")
struct TickerTests {
    @Test("tickers follow the trades of the last 24 h, refresh incrementally, and are served at /api/v1/ticker")
    func tickers() async throws {
        try await TestDatabase.with { database, _ in
            let symbol = "T\(UUID().uuidString.prefix(8).uppercased())-USD"
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            var generator = SplitMix64(seed: 5)
            var nextID: UInt64 = 0
            func trades(_ count: Int, from start: Int64, to end: Int64) throws -> [Trade] {
                try (0..<count).map { _ in
                    nextID += 1
                    let price = FixedDecimal(units: Int64(generator.next() % 1_000_000 + 9_000_000) * 1_000)
                    let quantity = FixedDecimal(units: Int64(generator.next() % 100_000 + 1) * 1_000)
                    return try Trade(
                        symbol: symbol, price: price, quantity: quantity, side: .buy, id: TradeID(nextID),
                        time: start + Int64(generator.next() % UInt64(end - start)))
                }
            }
            let hour: Int64 = 3_600_000
            let old = try trades(50, from: now - 30 * hour, to: now - 25 * hour)
            let recent = try trades(200, from: now - 23 * hour, to: now - hour)
            let consumer = try MarketDataPipelineTests.consumer(database)
            _ = await consumer.handle(MarketDataPipelineTests.messages(old + recent))
            let redis = RedisClient(endpoint: try TestServers.redis)
            let book = TickerBook(database: database, redis: redis, logger: TestServers.logger)

            func expectTicker(_ ticker: Ticker?, of trades: [Trade]) {
                let ordered = trades.sorted { ($0.time, $0.id) < ($1.time, $1.id) }
                let volume = trades.reduce(Decimal(0)) { $0 + Decimal(string: "\($1.quantity)")! }
                #expect(ticker?.count == trades.count)
                #expect(ticker.map { "\($0.lastPrice)" } == "\(ordered.last!.price)")
                #expect(ticker.map { "\($0.openPrice)" } == "\(ordered.first!.price)")
                #expect(ticker.map { "\($0.highPrice)" } == "\(trades.map(\.price).max()!)")
                #expect(ticker.map { "\($0.lowPrice)" } == "\(trades.map(\.price).min()!)")
                #expect(ticker.map { Decimal(string: "\($0.volume)")! } == volume)
            }
            let first = try await book.refresh(now: now, ttl: .seconds(15)).first { $0.symbol == symbol }
            expectTicker(first, of: recent)
            let ttl = try await redis.send("PTTL", MarketKeys.ticker(symbol)).integer ?? 0
            #expect((1...15_000).contains(ttl))

            // New trades: the next refresh reads only the changed minutes and counts each trade once.
            let later = try trades(30, from: now - hour, to: now)
            _ = await consumer.handle(MarketDataPipelineTests.messages(later))
            let second = try await book.refresh(now: now + 1, ttl: .seconds(15)).first { $0.symbol == symbol }
            expectTicker(second, of: recent + later)

            let users = UserStore(database: database, logger: TestServers.logger)
            try await users.createUser(named: "alice")
            let key = try await users.createAPIKey(forUser: "alice").key
            let configuration = try IngestConfiguration(environment: EnvironmentReader([:]))
            try await Application(router: try ingestRouter(database, configuration)).test(.router) { client in
                func get(_ path: String) async throws -> (HTTPResponse.Status, String) {
                    try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(key)"]) {
                        ($0.status, String(buffer: $0.body))
                    }
                }
                let (status, body) = try await get("/api/v1/ticker/24hr?symbol=\(symbol.lowercased())")
                #expect(status == .ok)
                let ticker = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
                #expect(ticker?["symbol"] as? String == symbol)
                #expect(ticker?["count"] as? Int == recent.count + later.count)
                let all = try JSONSerialization.jsonObject(with: Data(try await get("/api/v1/ticker/24hr").1.utf8)) as? [[String: Any]]
                #expect(all?.contains { $0["symbol"] as? String == symbol } == true)
                let latest = (recent + later).max { ($0.time, $0.id) < ($1.time, $1.id) }!
                let price = try JSONSerialization.jsonObject(with: Data(try await get("/api/v1/ticker/price?symbol=\(symbol)").1.utf8))
                #expect((price as? [String: Any])?["price"] as? String == "\(latest.price)")
                #expect(try await get("/api/v1/ticker/24hr?symbol=NOPE-USD").0 == .badRequest)
                #expect(try await get("/api/v1/ticker/price?symbol=%20").0 == .badRequest)
            }
        }
    }
}
