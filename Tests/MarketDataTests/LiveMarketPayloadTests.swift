import BallastMarket
import Testing

@Suite("Live market payloads: Binance's WebSocket frames, exact text")
struct LiveMarketPayloadTests {
    static let symbol = "BTC-USD"

    static func trade(id: TradeID, side: TradeSide, price: String = "97000.50000000", quantity: String = "0.0100") throws -> Trade {
        try Trade(
            symbol: symbol, price: FixedDecimal(price)!, quantity: FixedDecimal(quantity)!, side: side, id: id,
            time: 1_772_000_000_123)
    }

    @Test(
        "trade frames: numbered ids are numbers, other ids strings; m is true when the taker sold",
        arguments: [
            (
                TradeID(12_345), TradeSide.sell,
                #"{"e":"trade","E":1772000000200,"s":"BTC-USD","t":12345,"p":"97000.5","q":"0.01","T":1772000000123,"m":true,"M":true}"#
            ),
            (
                try! TradeID("TQ4ZN2-ABCDE-FGHIJK"), .buy,
                #"{"e":"trade","E":1772000000200,"s":"BTC-USD","t":"TQ4ZN2-ABCDE-FGHIJK","p":"97000.5","q":"0.01","T":1772000000123,"m":false,"M":true}"#
            ),
            (
                try! TradeID("0123"), .buy,
                #"{"e":"trade","E":1772000000200,"s":"BTC-USD","t":"0123","p":"97000.5","q":"0.01","T":1772000000123,"m":false,"M":true}"#
            ),
            (
                try! TradeID("9223372036854775808"), .sell,
                #"{"e":"trade","E":1772000000200,"s":"BTC-USD","t":"9223372036854775808","p":"97000.5","q":"0.01","T":1772000000123,"m":true,"M":true}"#
            ),
        ])
    func tradeFrame(id: TradeID, side: TradeSide, expected: String) throws {
        #expect(LiveMarketPayload.trade(try Self.trade(id: id, side: side), eventTime: 1_772_000_000_200) == expected)
    }

    @Test("a kline frame carries the stored candle's text; a flat candle has f and L at -1")
    func klineFrames() {
        var candle = LiveCandle(
            symbol: Self.symbol, interval: .oneMinute, openTime: 1_772_000_040_000, closeTime: 1_772_000_099_999, open: "97000.5",
            high: "97010", low: "96990.25", close: "97001", volume: "1.5", quoteVolume: "145501.125", tradeCount: 3,
            firstTradeID: "100", lastTradeID: "T-102")
        #expect(
            LiveMarketPayload.kline(candle, eventTime: 1_772_000_050_000, isClosed: false)
                == #"{"e":"kline","E":1772000050000,"s":"BTC-USD","k":{"t":1772000040000,"T":1772000099999,"s":"BTC-USD","i":"1m","f":100,"L":"T-102","o":"97000.5","c":"97001","h":"97010","l":"96990.25","v":"1.5","n":3,"x":false,"q":"145501.125"}}"#
        )
        candle = LiveCandle(
            symbol: Self.symbol, interval: .oneMonth, openTime: 1_769_904_000_000, closeTime: 1_772_323_199_999, open: "97001",
            high: "97001", low: "97001", close: "97001", volume: "0", quoteVolume: "0", tradeCount: 0, firstTradeID: nil,
            lastTradeID: nil)
        #expect(
            LiveMarketPayload.kline(candle, eventTime: 1_772_323_205_000, isClosed: true)
                == #"{"e":"kline","E":1772323205000,"s":"BTC-USD","k":{"t":1769904000000,"T":1772323199999,"s":"BTC-USD","i":"1M","f":-1,"L":-1,"o":"97001","c":"97001","h":"97001","l":"97001","v":"0","n":0,"x":true,"q":"0"}}"#
        )
    }

    static let ticker = Ticker(
        symbol: symbol, priceChange: FixedDecimal("-12.5")!, priceChangePercent: WideDecimal("-0.01288660")!,
        weightedAvgPrice: FixedDecimal("96995.12345678")!, prevClosePrice: FixedDecimal("97012.5")!, lastPrice: FixedDecimal("96987.5")!,
        lastQty: FixedDecimal("0.002")!, openPrice: FixedDecimal("97000")!, highPrice: FixedDecimal("97100")!,
        lowPrice: FixedDecimal("96900")!, volume: WideDecimal("12.34567891")!, quoteVolume: WideDecimal("1197469.1234567812345678")!,
        openTime: 1_771_913_640_000, closeTime: 1_772_000_000_000, firstID: 1_000, lastID: try! TradeID("T-2000"), count: 1001)

    @Test("ticker and miniTicker frames: Binance's 24hrTicker without bid and ask, and 24hrMiniTicker")
    func tickerFrames() {
        #expect(
            LiveMarketPayload.ticker(Self.ticker, eventTime: 1_772_000_000_000)
                == #"{"e":"24hrTicker","E":1772000000000,"s":"BTC-USD","p":"-12.5","P":"-0.0128866","w":"96995.12345678","x":"97012.5","c":"96987.5","Q":"0.002","o":"97000","h":"97100","l":"96900","v":"12.34567891","q":"1197469.1234567812345678","O":1771913640000,"C":1772000000000,"F":1000,"L":"T-2000","n":1001}"#
        )
        #expect(
            LiveMarketPayload.miniTicker(Self.ticker, eventTime: 1_772_000_000_000)
                == #"{"e":"24hrMiniTicker","E":1772000000000,"s":"BTC-USD","c":"96987.5","o":"97000","h":"97100","l":"96900","v":"12.34567891","q":"1197469.1234567812345678"}"#
        )
    }

    @Test("a symbol that needs escaping is escaped; the entry's fields keep their order")
    func entryLayout() throws {
        var entry = LiveMarketEntry(symbol: "A\"B")
        entry.append(LiveMarketEntry.tradeField, LiveMarketPayload.trade(try Self.trade(id: 1, side: .buy), eventTime: 0))
        entry.append(LiveMarketEntry.klineField(.fifteenMinutes), "{}")
        #expect(entry.fields.map(\.name) == ["trade", "kline_15m"])
        let renamed = try Trade(
            symbol: "A\"B", price: FixedDecimal("1")!, quantity: FixedDecimal("1")!, side: .buy, id: 1, time: 0)
        #expect(LiveMarketPayload.trade(renamed, eventTime: 0).contains(#""s":"A\"B""#))
    }
}
