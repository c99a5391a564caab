import BallastCore
import BallastMarket
import Foundation

/// Foundation's Gregorian calendar in UTC, with Monday as the first weekday: the tests' independent clock.
let utcCalendar: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    calendar.firstWeekday = 2
    return calendar
}()

/// Epoch milliseconds of `yyyy-MM-ddTHH:mm[:ss[.SSS]]` in UTC, through Foundation rather than the production calendar.
func utc(_ text: String) -> Int64 {
    let parts = text.split(whereSeparator: { "-T:.".contains($0) }).map { Int($0)! }
    precondition(parts.count >= 5, "bad test time \(text)")
    let components = DateComponents(
        year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4], second: parts.count > 5 ? parts[5] : 0)
    let date = utcCalendar.date(from: components)!
    return Int64(date.timeIntervalSince1970.rounded()) * 1000 + Int64(parts.count > 6 ? parts[6] : 0)
}

func decimal(_ text: String) -> FixedDecimal {
    FixedDecimal(text)!
}

/// Random trades of `symbols` from `start` over `span` milliseconds, ids increasing with time per symbol; some share a
/// millisecond. Prices move around 100 with up to 8 decimals.
func randomTrades(count: Int, symbols: [String], start: Int64, span: Int64, seed: UInt64) -> [Trade] {
    var generator = SplitMix64(seed: seed)
    var times = (0..<count).map { _ in start + Int64(generator.next() % UInt64(span)) }
    // A few clusters in one millisecond, so ids break ties.
    for index in stride(from: 1, to: count, by: 17) {
        times[index] = times[index - 1]
    }
    var nextID: [String: UInt64] = [:]
    return times.sorted().map { time in
        let symbol = symbols[Int(generator.next() % UInt64(symbols.count))]
        let id = nextID[symbol, default: 1]
        nextID[symbol] = id + 1 + generator.next() % 3
        let price = FixedDecimal(units: 9_000_000_000 + Int64(generator.next() % 2_000_000_000))
        let quantity = FixedDecimal(units: 1 + Int64(generator.next() % 500_000_000))
        return try! Trade(
            symbol: symbol, price: price, quantity: quantity, side: generator.next() % 2 == 0 ? .buy : .sell, id: TradeID(id), time: time)
    }
}

/// The bucket holding `time`, computed independently of `CandleInterval`: integer division for fixed lengths,
/// Foundation's calendar for weeks and months.
func referenceOpenTime(_ interval: CandleInterval, _ time: Int64) -> Int64 {
    let lengths: [CandleInterval: Int64] = [
        .oneMinute: 60_000, .fiveMinutes: 300_000, .fifteenMinutes: 900_000, .thirtyMinutes: 1_800_000, .oneHour: 3_600_000,
        .fourHours: 14_400_000, .oneDay: 86_400_000,
    ]
    if let length = lengths[interval] {
        return time >= 0 ? time / length * length : -((-time + length - 1) / length) * length
    }
    let date = Date(timeIntervalSince1970: Double(time) / 1000)
    let component: Calendar.Component = interval == .oneWeek ? .weekOfYear : .month
    return Int64(utcCalendar.dateInterval(of: component, for: date)!.start.timeIntervalSince1970.rounded()) * 1000
}

/// A candle's figures as plain values, computed from its trades the long way: sort by (time, id), take the first and
/// last, the extremes, and sum with Foundation's `Decimal`.
struct ReferenceCandle: Equatable, CustomStringConvertible {
    var open: String
    var high: String
    var low: String
    var close: String
    var volume: Decimal
    var quoteVolume: Decimal
    var tradeCount: Int
    var firstID: TradeID
    var lastID: TradeID
    var lastQuantity: String

    init(trades: [Trade]) {
        let sorted = trades.sorted { $0.stamp < $1.stamp }
        let prices = sorted.map { Decimal(string: $0.price.description)! }
        open = sorted.first!.price.description
        close = sorted.last!.price.description
        high = "\(prices.max()!)"
        low = "\(prices.min()!)"
        volume = sorted.reduce(Decimal(0)) { $0 + Decimal(string: $1.quantity.description)! }
        quoteVolume = sorted.reduce(Decimal(0)) {
            $0 + Decimal(string: $1.price.description)! * Decimal(string: $1.quantity.description)!
        }
        tradeCount = sorted.count
        firstID = sorted.first!.id
        lastID = sorted.last!.id
        lastQuantity = sorted.last!.quantity.description
    }

    init(_ candle: Candle) {
        open = candle.open.description
        high = "\(Decimal(string: candle.high.description)!)"
        low = "\(Decimal(string: candle.low.description)!)"
        close = candle.close.description
        volume = Decimal(string: candle.volume.description)!
        quoteVolume = Decimal(string: candle.quoteVolume.description)!
        tradeCount = candle.tradeCount
        firstID = candle.firstTrade.id
        lastID = candle.lastTrade.id
        lastQuantity = candle.lastQuantity.description
    }

    var description: String {
        "O \(open) H \(high) L \(low) C \(close) V \(volume) QV \(quoteVolume) n \(tradeCount) ids \(firstID)-\(lastID)"
    }
}

/// Reference candles of `trades` for every interval, keyed as the aggregator keys them.
func referenceCandles(_ trades: [Trade]) -> [CandleKey: ReferenceCandle] {
    var groups: [CandleKey: [Trade]] = [:]
    for trade in trades {
        for interval in CandleInterval.allCases {
            let key = CandleKey(symbol: trade.symbol, interval: interval, openTime: referenceOpenTime(interval, trade.time))
            groups[key, default: []].append(trade)
        }
    }
    return groups.mapValues { ReferenceCandle(trades: $0) }
}

/// Merges partial candles into `stored`, as the consumer upserts them.
func upsert(_ partials: [CandleKey: Candle], into stored: inout [CandleKey: Candle]) {
    for (key, candle) in partials {
        stored[key] = stored[key].map { $0.merged(with: candle) } ?? candle
    }
}
