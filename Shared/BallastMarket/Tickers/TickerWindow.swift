/// One symbol's last 24 hours as 1-minute candles, for its rolling ticker: a ring of 1,441 minutes (the 1,440 of a
/// window and the one before it), so a ticker costs one pass over a contiguous array instead of a day of trades.
///
/// Granularity is the minute: the window at `now` holds the minutes whose open time is in `(now − 24 h, now]`, so it
/// starts at the first whole minute within the last 24 h, and the minute holding `now` counts whole.
public struct TickerWindow: Sendable {
    public static let span: Int64 = 86_400_000
    static let minuteLength: Int64 = 60_000
    static let slotCount = 1441
    static let emptySlot = Candle.flat(interval: .oneMinute, openTime: .min, price: .zero)

    public let symbol: String
    /// Indexed by minute number modulo `slotCount`; flat candles mark empty slots.
    private var minutes: [Candle]
    private var newestOpenTime: Int64 = .min
    /// The latest trade known from minutes that left the ring (or never fitted in it), for `prevClosePrice`.
    private var lastTradeBeforeRing = TradeStamp.beforeAll
    private var lastPriceBeforeRing = FixedDecimal.zero

    public init(symbol: String) {
        self.symbol = symbol
        minutes = Array(repeating: Self.emptySlot, count: Self.slotCount)
    }

    /// Merges a 1-minute candle (a whole minute or a batch's partial of it) into its slot. A minute older than the ring
    /// reaches, counting back from the newest minute applied, only informs `prevClosePrice`; flat candles carry no
    /// trades and change nothing.
    public mutating func apply(_ minute: Candle) {
        place(minute, replacing: false)
    }

    /// Puts a whole minute, as stored, into its slot in place of what the slot held for that minute: for
    /// windows kept in step with the `candles` table, where a minute is read again each time it changes.
    public mutating func replace(_ minute: Candle) {
        place(minute, replacing: true)
    }

    private mutating func place(_ minute: Candle, replacing: Bool) {
        precondition(minute.interval == .oneMinute, "a ticker window takes 1m candles, not \(minute.interval.rawValue)")
        guard !minute.isFlat else { return }
        newestOpenTime = max(newestOpenTime, minute.openTime)
        guard minute.openTime > newestOpenTime - Int64(Self.slotCount) * Self.minuteLength else {
            rememberBeforeRing(minute)
            return
        }
        let slot = Self.slot(of: minute.openTime)
        let held = minutes[slot]
        if held.isFlat {
            minutes[slot] = minute
        } else if held.openTime == minute.openTime {
            minutes[slot] = replacing ? minute : held.merged(with: minute)
        } else if held.openTime < minute.openTime {
            rememberBeforeRing(held)
            minutes[slot] = minute
        } else {
            rememberBeforeRing(minute)
        }
    }

    /// The 24 h statistics at `now` (epoch milliseconds), or nil when the window has no trades. Meant for `now` at or
    /// after the newest minute applied; for an earlier `now`, minutes that already left the ring are missing.
    public func ticker(at now: Int64) -> Ticker? {
        let start = Self.alignDown(now - Self.span) + Self.minuteLength
        var count = 0
        var volume: Int128 = 0
        var quoteVolume: Int128 = 0
        var high = Int64.min
        var low = Int64.max
        // Indices into the ring rather than copies of the minutes: a candle holds trade ids, and copying one costs
        // reference counting when an id is text.
        var firstIndex: Int?
        var lastIndex: Int?
        var previousIndex: Int?
        minutes.withUnsafeBufferPointer { minutes in
            for index in minutes.indices where !minutes[index].isFlat {
                let openTime = minutes[index].openTime
                if openTime >= start {
                    guard openTime <= now else { continue }
                    count += minutes[index].tradeCount
                    volume += minutes[index].volume.units
                    quoteVolume += minutes[index].quoteVolume.units
                    high = max(high, minutes[index].high.units)
                    low = min(low, minutes[index].low.units)
                    if let known = firstIndex {
                        if minutes[index].firstTrade < minutes[known].firstTrade { firstIndex = index }
                    } else {
                        firstIndex = index
                    }
                    if let known = lastIndex {
                        if minutes[index].lastTrade > minutes[known].lastTrade { lastIndex = index }
                    } else {
                        lastIndex = index
                    }
                } else if let known = previousIndex {
                    if minutes[index].lastTrade > minutes[known].lastTrade { previousIndex = index }
                } else if minutes[index].lastTrade > lastTradeBeforeRing {
                    previousIndex = index
                }
            }
        }
        guard count > 0, let firstIndex, let lastIndex else { return nil }
        let first = minutes[firstIndex]
        let last = minutes[lastIndex]
        let previousPrice = previousIndex.map { minutes[$0].close } ?? lastPriceBeforeRing
        let knowsPrevious = previousIndex != nil || lastTradeBeforeRing.time != .min
        let totalVolume = WideDecimal(units: volume)
        let totalQuoteVolume = WideDecimal(units: quoteVolume)
        let priceChange = FixedDecimal(units: last.close.units - first.open.units)
        let hundred = FixedDecimal(units: 100 * FixedDecimal.unitsPerWhole)
        // Both quotients exist for candles made from valid trades (positive prices and volumes; the average lies
        // between the low and the high); the fallbacks only catch inconsistent candles built by hand.
        let percent = WideDecimal.product(priceChange, hundred).divided(by: WideDecimal(first.open)) ?? .zero
        let average = totalQuoteVolume.divided(by: totalVolume).flatMap { FixedDecimal(exactly: $0) } ?? last.close
        return Ticker(
            symbol: symbol, priceChange: priceChange, priceChangePercent: percent, weightedAvgPrice: average,
            prevClosePrice: knowsPrevious ? previousPrice : first.open, lastPrice: last.close,
            lastQty: last.lastQuantity, openPrice: first.open, highPrice: FixedDecimal(units: high),
            lowPrice: FixedDecimal(units: low), volume: totalVolume, quoteVolume: totalQuoteVolume, openTime: start,
            closeTime: now, firstID: first.firstTrade.id, lastID: last.lastTrade.id, count: count)
    }

    private mutating func rememberBeforeRing(_ minute: Candle) {
        if minute.lastTrade > lastTradeBeforeRing {
            lastTradeBeforeRing = minute.lastTrade
            lastPriceBeforeRing = minute.close
        }
    }

    private static func alignDown(_ time: Int64) -> Int64 {
        let remainder = time % minuteLength
        return time - (remainder < 0 ? remainder + minuteLength : remainder)
    }

    private static func slot(of openTime: Int64) -> Int {
        let remainder = (alignDown(openTime) / minuteLength) % Int64(slotCount)
        return Int(remainder < 0 ? remainder + Int64(slotCount) : remainder)
    }
}
