import BallastCore
import BallastMarket
import Foundation
import Testing

/// Rounds to 8 places, half away from zero, with Foundation.
func roundedTo8(_ value: Decimal) -> Decimal {
    var input = value
    var result = Decimal()
    NSDecimalRound(&result, &input, 8, .plain)
    return result
}

/// The 24 h ticker computed straight from the trades: those whose minute opens in (now − 24 h, now] (the minute holding
/// `now` counts whole), sorted by (time, id), with Foundation's `Decimal`.
struct ReferenceTicker: Equatable {
    var values: [String: Decimal]
    var integers: [String: Int64]
    var ids: [TradeID]

    init?(trades: [Trade], now: Int64) {
        func minute(_ time: Int64) -> Int64 { referenceOpenTime(.oneMinute, time) }
        let known = trades.filter { minute($0.time) <= now }.sorted { $0.stamp < $1.stamp }
        let window = known.filter { minute($0.time) > now - 86_400_000 }
        guard let first = window.first, let last = window.last else { return nil }
        func number(_ value: FixedDecimal) -> Decimal { Decimal(string: value.description)! }
        let open = number(first.price)
        let close = number(last.price)
        let volume = window.reduce(Decimal(0)) { $0 + number($1.quantity) }
        let quoteVolume = window.reduce(Decimal(0)) { $0 + number($1.price) * number($1.quantity) }
        let before = known.last { minute($0.time) <= now - 86_400_000 }
        values = [
            "priceChange": close - open,
            "priceChangePercent": roundedTo8((close - open) * 100 / open),
            "weightedAvgPrice": roundedTo8(quoteVolume / volume),
            "prevClosePrice": before.map { number($0.price) } ?? open,
            "lastPrice": close,
            "lastQty": number(last.quantity),
            "openPrice": open,
            "highPrice": window.map { number($0.price) }.max()!,
            "lowPrice": window.map { number($0.price) }.min()!,
            "volume": volume,
            "quoteVolume": quoteVolume,
        ]
        integers = [
            "openTime": minute(now - 86_400_000) + 60_000, "closeTime": now, "count": Int64(window.count),
        ]
        ids = [first.id, last.id]
    }

    init(_ ticker: Ticker) {
        func number(_ value: some CustomStringConvertible) -> Decimal { Decimal(string: value.description)! }
        values = [
            "priceChange": number(ticker.priceChange),
            "priceChangePercent": number(ticker.priceChangePercent),
            "weightedAvgPrice": number(ticker.weightedAvgPrice),
            "prevClosePrice": number(ticker.prevClosePrice),
            "lastPrice": number(ticker.lastPrice),
            "lastQty": number(ticker.lastQty),
            "openPrice": number(ticker.openPrice),
            "highPrice": number(ticker.highPrice),
            "lowPrice": number(ticker.lowPrice),
            "volume": number(ticker.volume),
            "quoteVolume": number(ticker.quoteVolume),
        ]
        integers = [
            "openTime": ticker.openTime, "closeTime": ticker.closeTime, "count": Int64(ticker.count),
        ]
        ids = [ticker.firstID, ticker.lastID]
    }
}

@Suite("24 h tickers")
struct TickerWindowTests {
    static func trade(_ price: String, _ quantity: String = "1", id: TradeID, at time: Int64) -> Trade {
        try! Trade(symbol: "BTCUSDT", price: decimal(price), quantity: decimal(quantity), side: .buy, id: id, time: time)
    }

    static func window(_ trades: [Trade]) -> TickerWindow {
        var aggregator = CandleAggregator()
        aggregator.add(contentsOf: trades)
        var window = TickerWindow(symbol: "BTCUSDT")
        for (key, candle) in aggregator.drain() where key.interval == .oneMinute {
            window.apply(candle)
        }
        return window
    }

    @Test("a rolling window fed batch by batch matches a computation from the trades", arguments: 1...3)
    func rolling(seed: Int) async {
        let start = utc("2026-03-13T06:00")
        let trades = randomTrades(count: 2000, symbols: ["BTCUSDT"], start: start, span: 30 * 3_600_000, seed: UInt64(seed))
        var generator = SplitMix64(seed: UInt64(seed))
        var window = TickerWindow(symbol: "BTCUSDT")
        var aggregator = CandleAggregator()
        var remaining = trades[...]
        var batchEnd = start
        var checked = 0
        while !remaining.isEmpty {
            // CPU-bound: leave the shared executor to the tests that wait on servers.
            await Task.yield()
            batchEnd += 60 * 60_000
            let batch = remaining.prefix { $0.time < batchEnd }
            remaining = remaining.dropFirst(batch.count)
            aggregator.add(contentsOf: batch.shuffled(using: &generator))
            for (key, candle) in aggregator.drain() where key.interval == .oneMinute {
                window.apply(candle)
            }
            let now = batchEnd - 1 - Int64(generator.next() % 1000)
            let expected = ReferenceTicker(trades: trades.filter { $0.time < batchEnd }, now: now)
            #expect(window.ticker(at: now).map(ReferenceTicker.init) == expected, "at \(now)")
            checked += 1
        }
        #expect(checked > 25)
        // After 30 h, the first 6 h have left the window.
        let last = trades.last!.time
        let windowStart = referenceOpenTime(.oneMinute, last - 86_400_000) + 60_000
        let inWindow = trades.filter { $0.time >= windowStart }.count
        #expect(window.ticker(at: last)?.count == inWindow)
        #expect(inWindow < trades.count * 5 / 6)
    }

    @Test("minutes arriving in any order and in partial batches give the same ticker")
    func orderOfMinutes() {
        let start = utc("2026-03-13T06:00")
        let trades = randomTrades(count: 3000, symbols: ["BTCUSDT"], start: start, span: 25 * 3_600_000, seed: 11)
        let now = start + 25 * 3_600_000 - 1
        let expected = Self.window(trades).ticker(at: now)
        var generator = SplitMix64(seed: 12)
        var window = TickerWindow(symbol: "BTCUSDT")
        var aggregator = CandleAggregator()
        var remaining = trades.shuffled(using: &generator)[...]
        while !remaining.isEmpty {
            aggregator.add(contentsOf: remaining.prefix(97))
            remaining = remaining.dropFirst(97)
            for (key, candle) in aggregator.drain() where key.interval == .oneMinute {
                window.apply(candle)
            }
        }
        #expect(window.ticker(at: now) == expected)
        #expect(expected.map(ReferenceTicker.init) == ReferenceTicker(trades: trades, now: now))
    }

    @Test("an empty window has no ticker")
    func empty() {
        #expect(TickerWindow(symbol: "BTCUSDT").ticker(at: utc("2026-03-14T00:00")) == nil)
        let window = Self.window([Self.trade("100", id: 1, at: utc("2026-03-14T00:00:30"))])
        #expect(window.ticker(at: utc("2026-03-14T00:00:30")) != nil)
        #expect(window.ticker(at: utc("2026-03-14T23:59:59.999")) != nil)
        // At 2026-03-15T00:00:30 the window starts at 00:01 on the 14th, after the only minute.
        #expect(window.ticker(at: utc("2026-03-15T00:00:30")) == nil)
        // Before the minute opens, it is not in the window either.
        #expect(window.ticker(at: utc("2026-03-13T23:59:59.999")) == nil)
        #expect(window.ticker(at: utc("2026-03-14T00:00")) != nil)
    }

    @Test("prevClosePrice is the last price before the window, or the open price when none is known")
    func previousClose() throws {
        let t0 = utc("2026-03-14T00:00")
        let minute: Int64 = 60_000
        var window = Self.window([Self.trade("90", id: 1, at: t0 + 10), Self.trade("91", id: 2, at: t0 + 20)])
        let laterTrades = [Self.trade("100", id: 3, at: t0 + 1441 * minute + 5), Self.trade("110", id: 4, at: t0 + 1441 * minute + 6)]
        for (key, candle) in Self.aggregate(laterTrades) where key.interval == .oneMinute {
            window.apply(candle)
        }
        // The minute of t0 shared its ring slot with the later minute, so it left the ring and is remembered.
        let ticker = try #require(window.ticker(at: t0 + 1441 * minute + 30_000))
        #expect(ticker.prevClosePrice == decimal("91"))
        #expect(ticker.openPrice == decimal("100"))
        #expect(ticker.openTime == t0 + 2 * minute)
        let alone = try #require(Self.window(laterTrades).ticker(at: t0 + 1441 * minute + 30_000))
        #expect(alone.prevClosePrice == decimal("100"))
        // Still in the ring but before the window.
        let inRing = Self.window([Self.trade("95", id: 1, at: t0 + 10), Self.trade("100", id: 3, at: t0 + 1440 * minute + 5)])
        #expect(try #require(inRing.ticker(at: t0 + 1440 * minute + 5)).prevClosePrice == decimal("95"))
        #expect(try #require(inRing.ticker(at: t0 + 1440 * minute - 1)).prevClosePrice == decimal("95"))
        #expect(try #require(inRing.ticker(at: t0 + 1440 * minute - 1)).count == 1)
    }

    static func aggregate(_ trades: [Trade]) -> [CandleKey: Candle] {
        var aggregator = CandleAggregator()
        aggregator.add(contentsOf: trades)
        return aggregator.drain()
    }

    @Test(
        "percentages and averages round to 8 places, half away from zero",
        arguments: [
            ("3", "4", "33.33333333", "3.66666667"),
            ("3", "2", "-33.33333333", "2.33333333"),
            ("8", "8.00000001", "0.00000013", "8.00000001"),
            ("8", "7.99999999", "-0.00000013", "7.99999999"),
            ("16", "16.00000001", "0.00000006", "16.00000001"),
            ("7", "8", "14.28571429", "7.66666667"),
            ("100", "100", "0", "100"),
        ]
    )
    func rounding(open: String, last: String, percent: String, average: String) throws {
        let t0 = utc("2026-03-14T12:00")
        let window = Self.window([Self.trade(open, id: 1, at: t0), Self.trade(last, "2", id: 2, at: t0 + 90_000)])
        let ticker = try #require(window.ticker(at: t0 + 120_000))
        #expect(ticker.priceChangePercent.description == percent)
        #expect(ticker.weightedAvgPrice.description == average)
        #expect(ticker.priceChange == FixedDecimal(units: decimal(last).units - decimal(open).units))
    }

    @Test("JSON has Binance's field names, decimals as exact strings and times, ids and count as integers")
    func json() throws {
        let t0 = utc("2026-03-14T12:00")
        let window = Self.window([
            Self.trade("97000.5", "0.001", id: 10, at: t0 + 1), Self.trade("97100", "0.25", id: 11, at: t0 + 61_000),
            Self.trade("96900.25", "1.5", id: 12, at: t0 + 62_000),
        ])
        let ticker = try #require(window.ticker(at: t0 + 120_000))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(ticker), as: UTF8.self)
        let expected = """
            {"closeTime":\(t0 + 120_000),"count":3,"firstId":10,"highPrice":"97100","lastId":12,"lastPrice":"96900.25",\
            "lastQty":"1.5","lowPrice":"96900.25","openPrice":"97000.5","openTime":\(t0 - 86_400_000 + 180_000),\
            "prevClosePrice":"97000.5","priceChange":"-100.25","priceChangePercent":"-0.10334998",\
            "quoteVolume":"169722.3755","symbol":"BTCUSDT","volume":"1.751","weightedAvgPrice":"96928.82667047"}
            """
        #expect(json == expected)
        #expect(try JSONDecoder().decode(Ticker.self, from: Data(json.utf8)) == ticker)
    }
}
