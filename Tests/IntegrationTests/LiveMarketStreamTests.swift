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

/// The live market streams as subscribers' relays read them: `XRANGE ballast:market:<SYMBOL>`.
@Suite("Live market streams: trades, klines and tickers on ballast:market:<SYMBOL>")
struct LiveMarketStreamTests {
    /// Each entry's (field, payload) pairs, oldest entry first.
    static func entries(_ symbol: String) async throws -> [[(field: String, payload: String)]] {
        let redis = RedisClient(endpoint: try TestServers.redis)
        let reply = try await redis.send("XRANGE", MarketKeys.liveStream(symbol), "-", "+").checked()
        return (reply.array ?? []).map { entry in
            let values = (entry.array?[1].array ?? []).map { $0.string ?? "" }
            return stride(from: 0, to: values.count - 1, by: 2).map { (values[$0], values[$0 + 1]) }
        }
    }

    static func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    /// A trade id as a frame writes it, back to text: a JSON number or string.
    static func idText(_ value: Any?) -> String? {
        if let number = value as? NSNumber { return number.stringValue }
        return value as? String
    }

    static func symbol() -> String { "L\(UUID().uuidString.prefix(8).uppercased())-USD" }

    static let minute: Int64 = 1_772_000_400_000  // 2026-02-25T06:20:00Z

    static func trade(_ symbol: String, _ id: TradeID, at time: Int64, price: String, side: TradeSide = .buy) throws -> Trade {
        try Trade(symbol: symbol, price: FixedDecimal(price)!, quantity: FixedDecimal("0.25")!, side: side, id: id, time: time)
    }

    @Test(
        "a batch's entry: its trades in (time, id) order, then each interval's candle as /api/v1/klines returns it; a redelivery adds nothing"
    )
    func tradesAndKlines() async throws {
        try await TestDatabase.with { database, _ in
            let symbol = Self.symbol()
            let minute = Self.minute
            // Two trades share a millisecond: the id orders them (numbered ids numerically, then text ids by length).
            let trades = [
                try Self.trade(symbol, 12, at: minute + 2_000, price: "100.5", side: .sell),
                try Self.trade(symbol, try TradeID("T-ABC"), at: minute + 1_000, price: "101"),
                try Self.trade(symbol, 9, at: minute + 1_000, price: "99.75"),
                try Self.trade(symbol, 10, at: minute + 500, price: "100"),
            ]
            let consumer = try MarketDataPipelineTests.consumer(database)
            let messages = MarketDataPipelineTests.messages(trades)
            #expect(await consumer.handle(messages).allSatisfy { if case .success = $0 { true } else { false } })

            let entries = try await Self.entries(symbol)
            try #require(entries.count == 1)
            let fields = entries[0]
            #expect(fields.map(\.field) == Array(repeating: "trade", count: 4) + CandleInterval.allCases.map { "kline_\($0.rawValue)" })
            let frames = try fields.prefix(4).map { try Self.object($0.payload) }
            #expect(frames.map { Self.idText($0["t"]) } == ["10", "9", "T-ABC", "12"])
            #expect(frames.map { $0["p"] as? String } == ["100", "99.75", "101", "100.5"])
            #expect(frames.map { $0["m"] as? Bool } == [false, false, false, true])
            #expect(frames.allSatisfy { $0["e"] as? String == "trade" && $0["s"] as? String == symbol && $0["q"] as? String == "0.25" })
            #expect(frames.first?["t"] is NSNumber)

            let kline = try Self.object(fields[4].payload)
            let candle = try #require(kline["k"] as? [String: Any])
            #expect(kline["e"] as? String == "kline")
            #expect(candle["i"] as? String == "1m")
            #expect(Self.idText(candle["f"]) == "10")
            #expect(Self.idText(candle["L"]) == "12")
            #expect(candle["x"] as? Bool == true)
            let row = try await Self.klinesRow(database, symbol: symbol, interval: "1m", openTime: minute)
            #expect(Self.row(of: candle) == row)

            // The next batch: the candle's whole merged state, not the batch's part; the same batch again adds nothing.
            let later = [try Self.trade(symbol, 13, at: minute + 30_000, price: "102")]
            _ = await consumer.handle(MarketDataPipelineTests.messages(later))
            _ = await consumer.handle(MarketDataPipelineTests.messages(later))
            _ = await consumer.handle(messages)
            let after = try await Self.entries(symbol)
            try #require(after.count == 2)
            #expect(after[1].map(\.field).filter { $0 == "trade" }.count == 1)
            let merged = try #require(try Self.object(after[1][1].payload)["k"] as? [String: Any])
            #expect(merged["n"] as? Int == 5)
            #expect(merged["h"] as? String == "102")
            #expect(Self.row(of: merged) == (try await Self.klinesRow(database, symbol: symbol, interval: "1m", openTime: minute)))
            let version = try await RedisClient(endpoint: try TestServers.redis).send("GET", MarketKeys.klinesVersion(symbol))
            #expect(version.string == "2")
        }
    }

    @Test("the gap filler's tick publishes each candle that ended since the last tick as final, flat ones with f and L -1")
    func endedCandles() async throws {
        try await TestDatabase.with { database, _ in
            let symbol = Self.symbol()
            let minute = Self.minute
            let consumer = try MarketDataPipelineTests.consumer(database)
            _ = await consumer.handle(MarketDataPipelineTests.messages([try Self.trade(symbol, 1, at: minute + 10, price: "100")]))
            let filler = CandleGapFiller(database: database, logger: TestServers.logger)
            let publisher = LiveMarketPublisher(redis: RedisClient(endpoint: try TestServers.redis))
            // The ticks as the job runs them: second 5 of minutes 1, 2 and 3.
            for tick in 1...3 {
                let now = minute + Int64(tick) * 60_000 + 5_000
                try await filler.fill(now: now)
                try await publisher.publishEnded(try await filler.endedCandles(now: now), now: now)
            }
            let entries = try await Self.entries(symbol)
            try #require(entries.count == 4)
            // Each tick's entry holds the one minute that ended; 5m and longer buckets had not ended.
            #expect(entries.dropFirst().map { $0.map(\.field) } == [["kline_1m"], ["kline_1m"], ["kline_1m"]])
            let candles = try entries.dropFirst().map { try #require(try Self.object($0[0].payload)["k"] as? [String: Any]) }
            #expect(candles.map { $0["t"] as? Int64 } == [minute, minute + 60_000, minute + 120_000])
            #expect(candles.allSatisfy { $0["x"] as? Bool == true && $0["c"] as? String == "100" })
            #expect(candles.map { $0["n"] as? Int } == [1, 0, 0])
            #expect(candles.map { Self.idText($0["f"]) } == ["1", "-1", "-1"])
            #expect(candles.map { Self.idText($0["L"]) } == ["1", "-1", "-1"])
            for candle in candles {
                let openTime = try #require(candle["t"] as? Int64)
                #expect(Self.row(of: candle) == (try await Self.klinesRow(database, symbol: symbol, interval: "1m", openTime: openTime)))
            }
        }
    }

    @Test("each ticker refresh publishes the symbol's ticker and miniTicker frames")
    func tickers() async throws {
        try await TestDatabase.with { database, _ in
            let symbol = Self.symbol()
            let now = Date().epochMilliseconds
            let trades = [
                try Self.trade(symbol, 1, at: now - 3_600_000, price: "100"),
                try Self.trade(symbol, 2, at: now - 60_000, price: "110.5"),
            ]
            _ = await (try MarketDataPipelineTests.consumer(database)).handle(MarketDataPipelineTests.messages(trades))
            let book = TickerBook(database: database, redis: RedisClient(endpoint: try TestServers.redis), logger: TestServers.logger)
            let tickers = try await book.refresh(now: now, ttl: .seconds(15))
            #expect(tickers.map(\.symbol) == [symbol])

            let last = try #require(try await Self.entries(symbol).last)
            #expect(last.map(\.field) == ["ticker", "miniTicker"])
            let ticker = try Self.object(last[0].payload)
            #expect(ticker["e"] as? String == "24hrTicker")
            #expect(ticker["E"] as? Int64 == now)
            #expect(ticker["s"] as? String == symbol)
            #expect(ticker["o"] as? String == "100")
            #expect(ticker["c"] as? String == "110.5")
            #expect(ticker["p"] as? String == "10.5")
            #expect(ticker["P"] as? String == "10.5")
            #expect(ticker["v"] as? String == "0.5")
            #expect(ticker["q"] as? String == "52.625")
            #expect(ticker["w"] as? String == "105.25")
            #expect(ticker["F"] as? Int == 1)
            #expect(ticker["L"] as? Int == 2)
            #expect(ticker["n"] as? Int == 2)
            let mini = try Self.object(last[1].payload)
            #expect(mini["e"] as? String == "24hrMiniTicker")
            #expect(mini.keys.sorted() == ["E", "c", "e", "h", "l", "o", "q", "s", "v"])
            #expect(mini["h"] as? String == "110.5")
            #expect(mini["l"] as? String == "100")
        }
    }

    /// A kline frame's candle in the klines API's order: openTime, open, high, low, close, volume, closeTime,
    /// quoteVolume, trades.
    static func row(of candle: [String: Any]) -> String {
        let fields: [Any?] = [
            candle["t"], candle["o"], candle["h"], candle["l"], candle["c"], candle["v"], candle["T"], candle["q"], candle["n"],
        ]
        return fields.map { "\($0 ?? "nil")" }.joined(separator: " ")
    }

    /// The candle opening at `openTime` as `GET /api/v1/klines` answers it, in the same form as `row(of:)`.
    static func klinesRow(_ database: PostgresClient, symbol: String, interval: String, openTime: Int64) async throws -> String {
        let body = try await KlinesCacheTests.get(
            database, "symbol=\(symbol)&interval=\(interval)&startTime=\(openTime)&limit=1")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(body.1.utf8)) as? [[Any]])
        return try #require(rows.first).map { "\($0)" }.joined(separator: " ")
    }
}
