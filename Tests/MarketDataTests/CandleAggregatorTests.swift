import BallastCore
import BallastMarket
import Testing

@Suite("Candle aggregation")
struct CandleAggregatorTests {
    static let symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT"]

    /// Five days around the end of February 2024 (a week start on Monday 2024-02-26, a leap day, a month end).
    static func trades(seed: UInt64) -> [Trade] {
        randomTrades(count: 1000, symbols: symbols, start: utc("2024-02-25T20:00"), span: 5 * 86_400_000, seed: seed)
    }

    static func aggregate(_ trades: some Sequence<Trade>) -> [CandleKey: Candle] {
        var aggregator = CandleAggregator()
        aggregator.add(contentsOf: trades)
        return aggregator.drain()
    }

    @Test("candles of all nine intervals match a computation from the sorted trades", arguments: 1...4)
    func matchesReference(seed: Int) {
        var generator = SplitMix64(seed: UInt64(seed))
        let trades = Self.trades(seed: UInt64(seed)).shuffled(using: &generator)
        let candles = Self.aggregate(trades)
        let reference = referenceCandles(trades)
        #expect(Set(candles.keys) == Set(reference.keys))
        for (key, expected) in reference {
            #expect(candles[key].map(ReferenceCandle.init) == expected, "\(key)")
            #expect(candles[key]?.interval == key.interval)
            #expect(candles[key]?.openTime == key.openTime)
        }
        #expect(Set(candles.keys.map(\.interval)) == Set(CandleInterval.allCases))
        #expect(candles.keys.contains { $0.interval == .oneMonth && $0.openTime == utc("2024-03-01T00:00") })
    }

    @Test("the partials of two batches, merged, equal the partials of both together", arguments: 1...8)
    func batchesAddUp(seed: Int) {
        var generator = SplitMix64(seed: UInt64(seed) &+ 100)
        let trades = Self.trades(seed: UInt64(seed))
        let whole = Self.aggregate(trades)
        // In order with a random cut, and shuffled with a random cut: late trades cross the cut both ways.
        for batchOrder in [trades, trades.shuffled(using: &generator)] {
            let cut = Int(generator.next() % UInt64(batchOrder.count))
            var aggregator = CandleAggregator(expectedSymbols: 2)
            var stored: [CandleKey: Candle] = [:]
            aggregator.add(contentsOf: batchOrder[..<cut])
            upsert(aggregator.drain(), into: &stored)
            #expect(aggregator.isEmpty)
            #expect(aggregator.candles().isEmpty)
            aggregator.add(contentsOf: batchOrder[cut...])
            upsert(aggregator.drain(), into: &stored)
            #expect(stored == whole)
        }
    }

    @Test("many small batches in shuffled order add up to the whole")
    func manySmallBatches() {
        var generator = SplitMix64(seed: 99)
        let trades = Self.trades(seed: 5)
        let whole = Self.aggregate(trades)
        var aggregator = CandleAggregator()
        var stored: [CandleKey: Candle] = [:]
        var remaining = trades.shuffled(using: &generator)[...]
        while !remaining.isEmpty {
            let size = 1 + Int(generator.next() % 200)
            aggregator.add(contentsOf: remaining.prefix(size))
            remaining = remaining.dropFirst(size)
            upsert(aggregator.drain(), into: &stored)
        }
        #expect(stored == whole)
    }

    @Test("a late trade lands in its own bucket, not the current one")
    func lateTrade() throws {
        let minute = utc("2026-03-14T15:09")
        func trade(_ price: String, id: TradeID, at time: Int64) throws -> Trade {
            try Trade(symbol: "BTCUSDT", price: decimal(price), quantity: decimal("1"), side: .buy, id: id, time: time)
        }
        var aggregator = CandleAggregator()
        aggregator.add(try trade("100", id: 1, at: minute + 1_000))
        aggregator.add(try trade("101", id: 3, at: minute + 61_000))
        aggregator.add(try trade("99", id: 2, at: minute + 59_999))
        aggregator.add(try trade("102", id: 4, at: minute + 62_000))
        let candles = aggregator.candles()
        let first = try #require(candles[CandleKey(symbol: "BTCUSDT", interval: .oneMinute, openTime: minute)])
        let second = try #require(candles[CandleKey(symbol: "BTCUSDT", interval: .oneMinute, openTime: minute + 60_000)])
        #expect((first.open, first.close, first.low, first.tradeCount) == (decimal("100"), decimal("99"), decimal("99"), 2))
        #expect((second.open, second.close, second.tradeCount) == (decimal("101"), decimal("102"), 2))
        let hour = try #require(candles[CandleKey(symbol: "BTCUSDT", interval: .oneHour, openTime: utc("2026-03-14T15:00"))])
        #expect(
            (hour.open, hour.close, hour.high, hour.low, hour.tradeCount) == (
                decimal("100"), decimal("102"), decimal("102"), decimal("99"), 4
            ))
        #expect(hour.volume.description == "4")
        #expect(hour.quoteVolume.description == "402")
        #expect((hour.firstTrade.id, hour.lastTrade.id) == (1, 4))
        // Two buckets each of 1m and 5m (15:10:01 opens the next 5 minutes), one of each longer interval.
        #expect(candles.count == 11)
    }
}
