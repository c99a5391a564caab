import BallastCore
import BallastMarket
import Testing

@Suite("Candles")
struct CandleTests {
    /// Single-trade candles of one 1h bucket, from `seed`.
    static func singleTradeCandles(seed: UInt64, count: Int = 40) -> [Candle] {
        let start = utc("2024-02-29T13:00")
        return randomTrades(count: count, symbols: ["BTCUSDT"], start: start, span: 3_600_000, seed: seed)
            .map { Candle(interval: .oneHour, trade: $0) }
    }

    static func mergedInOrder(_ candles: [Candle]) -> Candle {
        candles.dropFirst().reduce(candles[0]) { $0.merged(with: $1) }
    }

    @Test("a single trade makes a candle at its price, in its bucket")
    func singleTrade() throws {
        let trade = try Trade(
            symbol: "ETHUSDT", price: decimal("3150.25"), quantity: decimal("0.5"), side: .buy, id: 42,
            time: utc("2024-02-29T23:59:59.999"))
        let candle = Candle(interval: .oneDay, trade: trade)
        #expect(candle.openTime == utc("2024-02-29T00:00"))
        #expect(candle.closeTime == utc("2024-02-29T23:59:59.999"))
        #expect([candle.open, candle.high, candle.low, candle.close] == Array(repeating: decimal("3150.25"), count: 4))
        #expect(candle.volume.description == "0.5")
        #expect(candle.quoteVolume.description == "1575.125")
        #expect(candle.tradeCount == 1)
        #expect(candle.firstTrade == TradeStamp(time: trade.time, id: 42))
        #expect(candle.lastTrade == candle.firstTrade)
        #expect(candle.lastQuantity == decimal("0.5"))
        #expect(Candle(interval: .oneMonth, trade: trade).closeTime == utc("2024-02-29T23:59:59.999"))
    }

    @Test("merging is commutative", arguments: 1...20)
    func commutative(seed: Int) {
        let candles = Self.singleTradeCandles(seed: UInt64(seed))
        let left = Self.mergedInOrder(Array(candles[..<15]))
        let right = Self.mergedInOrder(Array(candles[15...]))
        #expect(left.merged(with: right) == right.merged(with: left))
    }

    @Test("merging is associative", arguments: 1...20)
    func associative(seed: Int) {
        let candles = Self.singleTradeCandles(seed: UInt64(seed))
        let a = Self.mergedInOrder(Array(candles[..<10]))
        let b = Self.mergedInOrder(Array(candles[10..<25]))
        let c = Self.mergedInOrder(Array(candles[25...]))
        #expect(a.merged(with: b).merged(with: c) == a.merged(with: b.merged(with: c)))
    }

    @Test("any order of trades gives the same candle, matching the trades sorted by (time, id)", arguments: 1...20)
    func orderIndependent(seed: Int) {
        var generator = SplitMix64(seed: UInt64(seed) &* 31)
        let candles = Self.singleTradeCandles(seed: UInt64(seed))
        let inOrder = Self.mergedInOrder(candles)
        for _ in 0..<5 {
            #expect(Self.mergedInOrder(candles.shuffled(using: &generator)) == inOrder)
        }
        let trades = randomTrades(count: 40, symbols: ["BTCUSDT"], start: utc("2024-02-29T13:00"), span: 3_600_000, seed: UInt64(seed))
        #expect(ReferenceCandle(inOrder) == ReferenceCandle(trades: trades))
    }

    @Test("the same stamp at two prices still merges the same both ways")
    func tiedStamps() throws {
        let time = utc("2026-03-14T15:09:26.535")
        let a = Candle(
            interval: .oneMinute, trade: try Trade(symbol: "X", price: decimal("1"), quantity: decimal("2"), side: .buy, id: 7, time: time))
        let b = Candle(
            interval: .oneMinute, trade: try Trade(symbol: "X", price: decimal("3"), quantity: decimal("1"), side: .buy, id: 7, time: time))
        #expect(a.merged(with: b) == b.merged(with: a))
        #expect(a.merged(with: b).open == decimal("1"))
        #expect(a.merged(with: b).close == decimal("3"))
    }

    @Test("a flat candle gives way to traded data entirely, from either side")
    func flatOverridden() throws {
        let open = utc("2026-03-14T15:09")
        let flat = Candle.flat(interval: .oneMinute, openTime: open, price: decimal("97000"))
        #expect(flat.isFlat)
        #expect([flat.open, flat.high, flat.low, flat.close] == Array(repeating: decimal("97000"), count: 4))
        #expect(flat.volume == .zero && flat.quoteVolume == .zero && flat.tradeCount == 0)
        #expect(flat.closeTime == open + 59_999)
        let trade = try Trade(symbol: "BTCUSDT", price: decimal("96500.5"), quantity: decimal("0.01"), side: .sell, id: 1, time: open + 5)
        let traded = Candle(interval: .oneMinute, trade: trade)
        #expect(flat.merged(with: traded) == traded)
        #expect(traded.merged(with: flat) == traded)
        let higher = Candle.flat(interval: .oneMinute, openTime: open, price: decimal("97001"))
        #expect(flat.merged(with: higher) == higher)
        #expect(higher.merged(with: flat) == higher)
    }
}

@Suite("Trades")
struct TradeTests {
    @Test(
        "invalid trades are refused with a reason",
        arguments: [
            ("", "1", "1", "1", "2026-01-01T00:00", "the trade has an empty symbol"),
            ("BTCUSDT", "0", "1", "1", "2026-01-01T00:00", "the trade price must be positive, got 0"),
            ("BTCUSDT", "-5", "1", "1", "2026-01-01T00:00", "the trade price must be positive, got -5"),
            ("BTCUSDT", "1", "0", "1", "2026-01-01T00:00", "the trade quantity must be positive, got 0"),
            ("BTCUSDT", "1", "1", "", "2026-01-01T00:00", "the trade id is empty"),
        ] as [(String, String, String, String, String, String)]
    )
    func refused(symbol: String, price: String, quantity: String, id: String, time: String, reason: String) {
        #expect {
            try Trade(symbol: symbol, price: decimal(price), quantity: decimal(quantity), side: .buy, id: TradeID(id), time: utc(time))
        } throws: { error in
            (error as? TradeError)?.description == reason
        }
    }

    @Test("times outside years 1 to 9999 are refused; id 0 and the edges are fine")
    func limits() throws {
        let price = decimal("1")
        #expect(throws: TradeError.timeOutOfRange(.max)) {
            try Trade(symbol: "X", price: price, quantity: price, side: .sell, id: 0, time: .max)
        }
        for time in [Trade.supportedTimes.lowerBound, 0, Trade.supportedTimes.upperBound] {
            let trade = try Trade(symbol: "X", price: price, quantity: price, side: .sell, id: 0, time: time)
            for interval in CandleInterval.allCases {
                let open = interval.openTime(containing: trade.time)
                #expect(open <= time && time <= interval.closeTime(open: open))
            }
        }
    }
}
