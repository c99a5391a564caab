import BallastMarket
import Foundation

// Measures candle aggregation into all nine intervals, the live market frames of each batch and the 24 h ticker
// refresh on a release build, with a naive
// aggregation (Foundation's Decimal, string-keyed dictionary) as a same-run baseline. Prints one `name value` line per
// figure; no I/O beyond that.

/// A xorshift generator with a fixed seed, so every run measures the same data.
struct Xorshift {
    var state: UInt64 = 0x2545_F491_4F6C_DD1D

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func timed(_ body: () -> Int) -> (seconds: Double, result: Int) {
    let clock = ContinuousClock()
    let start = clock.now
    let result = body()
    return (seconds(clock.now - start), result)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// 2,000,000 trades over 10 symbols from 2026-01-31T22:00Z (so the day and month buckets turn over), about 10 ms
/// apart; 1% arrive late, by up to 5 minutes.
func makeTrades(count: Int, generator: inout Xorshift) -> [Trade] {
    let symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDT", "ADAUSDT", "DOGEUSDT", "AVAXUSDT", "DOTUSDT", "LINKUSDT"]
    var prices: [Int64] = [
        9_700_000_000_000, 315_000_000_000, 14_500_000_000, 60_000_000_000, 55_000_000, 45_000_000, 1_500_000, 3_500_000_000,
        700_000_000, 1_800_000_000,
    ]
    var ids = [UInt64](repeating: 1, count: symbols.count)
    var time: Int64 = 1_769_896_800_000
    var trades: [Trade] = []
    trades.reserveCapacity(count)
    for _ in 0..<count {
        time += Int64(generator.next() % 20)
        let symbol = Int(generator.next() % UInt64(symbols.count))
        let step = prices[symbol] / 10_000
        prices[symbol] = max(1, prices[symbol] + Int64(generator.next() % UInt64(2 * step + 1)) - step)
        let isLate = generator.next() % 100 == 0
        let tradeTime = isLate ? time - 1 - Int64(generator.next() % 300_000) : time
        let quantity = FixedDecimal(units: 1 + Int64(generator.next() % 200_000_000))
        trades.append(
            try! Trade(
                symbol: symbols[symbol], price: FixedDecimal(units: prices[symbol]), quantity: quantity,
                side: generator.next() % 2 == 0 ? .buy : .sell, id: TradeID(ids[symbol]), time: tradeTime))
        ids[symbol] += 1
    }
    return trades
}

func aggregate(_ trades: [Trade]) -> [CandleKey: Candle] {
    var aggregator = CandleAggregator(expectedSymbols: 16)
    aggregator.add(contentsOf: trades)
    return aggregator.drain()
}

/// The straightforward way: Decimal arithmetic and one string-keyed dictionary entry per trade and interval.
struct NaiveCandle {
    var open: Decimal
    var high: Decimal
    var low: Decimal
    var close: Decimal
    var volume: Decimal
    var quoteVolume: Decimal
    var count: Int
    var first: (time: Int64, id: TradeID)
    var last: (time: Int64, id: TradeID)
}

struct NaiveTrade {
    let symbol: String
    let price: Decimal
    let quantity: Decimal
    let time: Int64
    let id: TradeID
}

func naiveAggregate(_ trades: [NaiveTrade]) -> [String: NaiveCandle] {
    var candles: [String: NaiveCandle] = [:]
    for trade in trades {
        let quoteVolume = trade.price * trade.quantity
        for interval in CandleInterval.allCases {
            let key = "\(trade.symbol)|\(interval.rawValue)|\(interval.openTime(containing: trade.time))"
            if var candle = candles[key] {
                candle.high = max(candle.high, trade.price)
                candle.low = min(candle.low, trade.price)
                if (trade.time, trade.id) < candle.first {
                    candle.open = trade.price
                    candle.first = (trade.time, trade.id)
                }
                if (trade.time, trade.id) > candle.last {
                    candle.close = trade.price
                    candle.last = (trade.time, trade.id)
                }
                candle.volume += trade.quantity
                candle.quoteVolume += quoteVolume
                candle.count += 1
                candles[key] = candle
            } else {
                candles[key] = NaiveCandle(
                    open: trade.price, high: trade.price, low: trade.price, close: trade.price, volume: trade.quantity,
                    quoteVolume: quoteVolume, count: 1, first: (trade.time, trade.id), last: (trade.time, trade.id))
            }
        }
    }
    return candles
}

/// Windows of `symbols` symbols, each with 1,441 traded minutes ending at `lastMinute`.
func makeWindows(symbols: Int, lastMinute: Int64, generator: inout Xorshift) -> [TickerWindow] {
    (0..<symbols).map { index in
        var window = TickerWindow(symbol: "SYM\(index)USDT")
        var price = Int64(1_000_000_000 + generator.next() % 100_000_000_000)
        var id = UInt64(1)
        for minute in 0..<1441 {
            let openTime = lastMinute - Int64(1440 - minute) * 60_000
            let open = FixedDecimal(units: price)
            let moves = (0..<3).map { _ in Int64(generator.next() % UInt64(price / 500 + 1)) - price / 1000 }
            price = max(1, price + moves[0])
            let close = FixedDecimal(units: price)
            let high = FixedDecimal(units: max(open.units, close.units) + abs(moves[1]))
            let low = FixedDecimal(units: max(1, min(open.units, close.units) - abs(moves[2])))
            let trades = 1 + Int(generator.next() % 100)
            let volume = WideDecimal(FixedDecimal(units: Int64(trades) * 12_345_678))
            let quoteVolume = WideDecimal.product(FixedDecimal(units: Int64(trades) * 12_345_678), close)
            window.apply(
                Candle(
                    interval: .oneMinute, openTime: openTime, open: open, high: high, low: low, close: close, volume: volume,
                    quoteVolume: quoteVolume, tradeCount: trades, firstTrade: TradeStamp(time: openTime + 1, id: TradeID(id)),
                    lastTrade: TradeStamp(time: openTime + 59_000, id: TradeID(id + UInt64(trades) - 1)),
                    lastQuantity: FixedDecimal(units: 12_345_678)))
            id += UInt64(trades)
        }
        return window
    }
}

var generator = Xorshift()
let trades = makeTrades(count: 2_000_000, generator: &generator)

// Aggregation: one warm-up, then five timed runs over all trades, drain included.
_ = aggregate(trades)
var aggregationRuns: [Double] = []
var candleCount = 0
for _ in 0..<5 {
    let run = timed { aggregate(trades).count }
    aggregationRuns.append(Double(trades.count) / run.seconds)
    candleCount = run.result
}
let aggregationRate = median(aggregationRuns)
print("aggregation_trades_per_second \(Int(aggregationRate))")
print("aggregation_trades_per_second_best \(Int(aggregationRuns.max()!))")
print("aggregation_candles \(candleCount)")

// The same trades with Kraken-style text ids (`TXXXXX-XXXXX-XXXXXX`, 19 characters: held as strings, not numbers).
let textTrades = trades.enumerated().map { index, trade in
    let digits = String(index, radix: 36, uppercase: true)
    let body = String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    let id = try! TradeID("T\(body.prefix(5))-\(body.dropFirst(5).prefix(5))-\(body.suffix(6))")
    return try! Trade(symbol: trade.symbol, price: trade.price, quantity: trade.quantity, side: trade.side, id: id, time: trade.time)
}
_ = aggregate(textTrades)
let textRuns = (0..<5).map { _ in Double(textTrades.count) / timed { aggregate(textTrades).count }.seconds }
print("aggregation_text_ids_trades_per_second \(Int(median(textRuns)))")

// The naive baseline on the first 200,000 trades (prices converted to Decimal beforehand, so only aggregation counts).
let naiveTrades = trades.prefix(200_000).map {
    NaiveTrade(
        symbol: $0.symbol, price: Decimal(string: $0.price.description)!, quantity: Decimal(string: $0.quantity.description)!,
        time: $0.time, id: $0.id)
}
var naiveRuns: [Double] = []
var naiveCandles: [String: NaiveCandle] = [:]
for _ in 0..<3 {
    let clock = ContinuousClock()
    let start = clock.now
    naiveCandles = naiveAggregate(naiveTrades)
    naiveRuns.append(Double(naiveTrades.count) / seconds(clock.now - start))
}
let naiveRate = median(naiveRuns)
print("naive_decimal_trades_per_second \(Int(naiveRate))")
print("aggregation_speedup_vs_naive_decimal \(String(format: "%.1f", aggregationRate / naiveRate))")

// Both ways must agree on the subset.
var mismatches = 0
let subset = aggregate(Array(trades.prefix(200_000)))
for (key, candle) in subset {
    let naive = naiveCandles["\(key.symbol)|\(key.interval.rawValue)|\(key.openTime)"]
    if naive?.count != candle.tradeCount || naive?.close != Decimal(string: candle.close.description)
        || naive?.open != Decimal(string: candle.open.description)
        || naive?.quoteVolume != Decimal(string: candle.quoteVolume.description)
    {
        mismatches += 1
    }
}
print("naive_mismatches \(mismatches + abs(subset.count - naiveCandles.count))")

// Live market frames, as market-data builds them after each commit: per batch of 1,000 trades, a trade frame per
// trade and, per symbol, its entry with the newest candle of each interval as a kline frame. The batches' candles
// (as Postgres's text would give them) are prepared beforehand, so only the frames are timed.
struct LiveBatch {
    let trades: ArraySlice<Trade>
    let candles: [LiveCandle]
}

func liveBatches(_ trades: ArraySlice<Trade>, batch: Int) -> [LiveBatch] {
    stride(from: trades.startIndex, to: trades.endIndex, by: batch).map { start in
        let slice = trades[start..<min(start + batch, trades.endIndex)]
        var aggregator = CandleAggregator(expectedSymbols: 16)
        aggregator.add(contentsOf: slice)
        var newest: [CandleKey: Candle] = [:]
        for (key, candle) in aggregator.drain() {
            let slot = CandleKey(symbol: key.symbol, interval: key.interval, openTime: 0)
            if let known = newest[slot], known.openTime >= key.openTime { continue }
            newest[slot] = candle
        }
        let candles = newest.map { slot, candle in
            LiveCandle(
                symbol: slot.symbol, interval: slot.interval, openTime: candle.openTime, closeTime: candle.closeTime,
                open: candle.open.description, high: candle.high.description, low: candle.low.description,
                close: candle.close.description, volume: candle.volume.description, quoteVolume: candle.quoteVolume.description,
                tradeCount: Int64(candle.tradeCount), firstTradeID: candle.firstTrade.id.description,
                lastTradeID: candle.lastTrade.id.description)
        }
        return LiveBatch(trades: slice, candles: candles)
    }
}

func liveFrames(_ batches: [LiveBatch]) -> Int {
    var bytes = 0
    for batch in batches {
        var entries: [String: LiveMarketEntry] = [:]
        for trade in batch.trades {
            entries[trade.symbol, default: LiveMarketEntry(symbol: trade.symbol)].append(
                LiveMarketEntry.tradeField, LiveMarketPayload.trade(trade, eventTime: 1_769_990_400_000))
        }
        for candle in batch.candles {
            entries[candle.symbol]?.append(
                LiveMarketEntry.klineField(candle.interval), LiveMarketPayload.kline(candle, eventTime: 1_769_990_400_000, isClosed: false))
        }
        for entry in entries.values { bytes += entry.command.name.utf8.count + entry.fields.reduce(0) { $0 + $1.payload.utf8.count } }
    }
    return bytes
}
let liveSample = liveBatches(trades.prefix(500_000), batch: 1000)
let liveTrades = liveSample.reduce(0) { $0 + $1.trades.count }
_ = liveFrames(liveSample)
let liveRuns = (0..<5).map { _ in timed { liveFrames(liveSample) } }
print("live_frames_ns_per_trade \(Int(median(liveRuns.map(\.seconds)) * 1e9 / Double(liveTrades)))")
print("live_frames_bytes_per_trade \(liveRuns[0].result / liveTrades)")

// Ticker refresh: 1,000 symbols with full windows; all tickers, 20 times.
let lastMinute: Int64 = 1_769_990_400_000
let windows = makeWindows(symbols: 1000, lastMinute: lastMinute, generator: &generator)
var refreshRuns: [Double] = []
var tradeTotal = 0
for _ in 0..<20 {
    let run = timed {
        var count = 0
        for window in windows {
            count += window.ticker(at: lastMinute + 30_000)?.count ?? 0
        }
        return count
    }
    refreshRuns.append(run.seconds * 1000)
    tradeTotal = run.result
}
print("ticker_refresh_1000_symbols_ms \(String(format: "%.2f", median(refreshRuns)))")
print("ticker_refresh_1000_symbols_ms_best \(String(format: "%.2f", refreshRuns.min()!))")
// Printed so the optimizer cannot drop the work.
print("ticker_trades_counted \(tradeTotal)")
