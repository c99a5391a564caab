/// Open, high, low, close and volumes of one symbol's trades in one interval bucket (the symbol is the caller's key).
/// Candles of the same bucket merge in any order and grouping to the same result, so partial candles of batches, late
/// trades included, add up to the candle of all the trades. Merging is not idempotent: a trade merged twice counts twice.
public struct Candle: Sendable, Hashable {
    // Declared widest first, so that no padding is wasted between the fields.
    /// Sum of the trade quantities, in base-asset units.
    public internal(set) var volume: WideDecimal
    /// Sum of price × quantity, in quote-asset units.
    public internal(set) var quoteVolume: WideDecimal
    public internal(set) var openTime: Int64
    /// Price of the earliest trade by `(time, id)` (`TradeStamp`).
    public internal(set) var open: FixedDecimal
    public internal(set) var high: FixedDecimal
    public internal(set) var low: FixedDecimal
    /// Price of the latest trade by `(time, id)`.
    public internal(set) var close: FixedDecimal
    /// Quantity of the latest trade.
    public internal(set) var lastQuantity: FixedDecimal
    /// Zero for a flat candle.
    public internal(set) var tradeCount: Int
    public internal(set) var firstTrade: TradeStamp
    public internal(set) var lastTrade: TradeStamp
    public internal(set) var interval: CandleInterval

    /// A candle as stored; the caller vouches that the fields belong together.
    public init(
        interval: CandleInterval, openTime: Int64, open: FixedDecimal, high: FixedDecimal, low: FixedDecimal, close: FixedDecimal,
        volume: WideDecimal, quoteVolume: WideDecimal, tradeCount: Int, firstTrade: TradeStamp, lastTrade: TradeStamp,
        lastQuantity: FixedDecimal
    ) {
        self.volume = volume
        self.quoteVolume = quoteVolume
        self.openTime = openTime
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.lastQuantity = lastQuantity
        self.tradeCount = tradeCount
        self.firstTrade = firstTrade
        self.lastTrade = lastTrade
        self.interval = interval
    }

    /// The candle of a single trade, in the bucket of `interval` that holds it.
    public init(interval: CandleInterval, trade: Trade) {
        self.init(
            interval: interval, openTime: interval.openTime(containing: trade.time), price: trade.price, quantity: trade.quantity,
            volume: WideDecimal(trade.quantity), quoteVolume: .product(trade.price, trade.quantity), stamp: trade.stamp)
    }

    init(
        interval: CandleInterval, openTime: Int64, price: FixedDecimal, quantity: FixedDecimal, volume: WideDecimal,
        quoteVolume: WideDecimal, stamp: TradeStamp
    ) {
        self.init(
            interval: interval, openTime: openTime, open: price, high: price, low: price, close: price, volume: volume,
            quoteVolume: quoteVolume, tradeCount: 1, firstTrade: stamp, lastTrade: stamp, lastQuantity: quantity)
    }

    /// The candle of a bucket without trades: open, high, low and close at the previous close, zero volumes. Merged with
    /// a candle that has trades, it gives that candle unchanged.
    public static func flat(interval: CandleInterval, openTime: Int64, price: FixedDecimal) -> Candle {
        let none = TradeStamp.beforeAll
        return Candle(
            interval: interval, openTime: openTime, open: price, high: price, low: price, close: price, volume: .zero,
            quoteVolume: .zero, tradeCount: 0, firstTrade: none, lastTrade: none, lastQuantity: .zero)
    }

    public var isFlat: Bool { tradeCount == 0 }

    /// The last millisecond of the bucket: the next open time minus 1 ms.
    public var closeTime: Int64 { interval.closeTime(open: openTime) }

    /// The candle of both candles' trades; both must be of the same bucket. A flat candle gives way to one with trades;
    /// of two flat candles the higher price stays, an arbitrary but order-independent choice (rewrite a flat candle
    /// rather than merge when the previous close changes).
    public func merged(with other: Candle) -> Candle {
        precondition(
            interval == other.interval && openTime == other.openTime,
            "merging candles of different buckets: \(interval.rawValue) \(openTime) and \(other.interval.rawValue) \(other.openTime)")
        if other.isFlat {
            return isFlat && other.close > close ? other : self
        }
        if isFlat {
            return other
        }
        var result = self
        result.high = max(high, other.high)
        result.low = min(low, other.low)
        // Ties on the stamp (the same trade twice, or a venue reusing an id) fall to the prices, so the result never
        // depends on the order of the operands.
        if (other.firstTrade, other.open.units) < (firstTrade, open.units) {
            result.open = other.open
            result.firstTrade = other.firstTrade
        }
        if (other.lastTrade, other.close.units, other.lastQuantity.units) > (lastTrade, close.units, lastQuantity.units) {
            result.close = other.close
            result.lastQuantity = other.lastQuantity
            result.lastTrade = other.lastTrade
        }
        result.volume += other.volume
        result.quoteVolume += other.quoteVolume
        result.tradeCount += other.tradeCount
        return result
    }

    /// Adds one trade in place, as `merged(with:)` a single-trade candle would (the aggregator's fast path).
    @inline(__always)
    mutating func include(
        price: FixedDecimal, quantity: FixedDecimal, volume tradeVolume: WideDecimal, quoteVolume tradeQuoteVolume: WideDecimal,
        stamp: TradeStamp
    ) {
        if isFlat {
            self = Candle(
                interval: interval, openTime: openTime, price: price, quantity: quantity, volume: tradeVolume,
                quoteVolume: tradeQuoteVolume, stamp: stamp)
            return
        }
        if price > high { high = price }
        if price < low { low = price }
        if (stamp, price.units) < (firstTrade, open.units) {
            open = price
            firstTrade = stamp
        }
        if (stamp, price.units, quantity.units) > (lastTrade, close.units, lastQuantity.units) {
            close = price
            lastQuantity = quantity
            lastTrade = stamp
        }
        volume += tradeVolume
        quoteVolume += tradeQuoteVolume
        tradeCount += 1
    }
}
