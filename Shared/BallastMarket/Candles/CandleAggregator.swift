/// Turns trades into partial candles of all nine intervals. Feed a batch with `add(_:)`, then `drain()` its candles and
/// merge each into the stored candle of its key: the partials of batch A merged with those of batch B equal the
/// partials of A and B together, in any order, late trades included.
///
/// For speed, each symbol keeps one current candle per interval, updated in place while trades stay in its bucket;
/// only a trade of another bucket (the next one, or a late trade) touches a dictionary.
public struct CandleAggregator: Sendable {
    /// A current candle and the open time of the bucket after it.
    struct Slot {
        var candle: Candle
        var end: Int64

        static let empty = Slot(candle: .flat(interval: .oneMinute, openTime: .max, price: .zero), end: .min)

        var isEmpty: Bool { candle.isFlat }
    }

    /// A candle key with the symbol interned.
    struct Bucket: Hashable {
        let symbol: Int32
        let interval: CandleInterval
        let openTime: Int64
    }

    static let intervals = CandleInterval.allCases
    static let intervalCount = CandleInterval.allCases.count

    private var symbolIndices: [String: Int32] = [:]
    private var symbols: [String] = []
    /// `intervalCount` slots per symbol, in the order of `CandleInterval.allCases`.
    private var slots: [Slot] = []
    /// Candles that are no longer current: left behind by a newer bucket, or made by late trades.
    private var earlier: [Bucket: Candle] = [:]
    private var lastSymbol = ""
    private var lastSymbolIndex: Int32 = -1

    /// `expectedSymbols` sizes the storage up front.
    public init(expectedSymbols: Int = 16) {
        symbolIndices.reserveCapacity(expectedSymbols)
        symbols.reserveCapacity(expectedSymbols)
        slots.reserveCapacity(expectedSymbols * Self.intervalCount)
        earlier.reserveCapacity(expectedSymbols * Self.intervalCount * 4)
    }

    /// True when no trade was added since the last drain.
    public var isEmpty: Bool {
        earlier.isEmpty && !slots.contains { !$0.isEmpty }
    }

    public mutating func add(_ trade: Trade) {
        let symbol = index(of: trade.symbol)
        let time = trade.time
        let volume = WideDecimal(trade.quantity)
        let quoteVolume = WideDecimal.product(trade.price, trade.quantity)
        let stamp = trade.stamp
        let base = Int(symbol) * Self.intervalCount
        // Bit i set: interval i needs the slow path.
        var misses: UInt16 = 0
        slots.withUnsafeMutableBufferPointer { slots in
            for offset in 0..<Self.intervalCount {
                let slot = base + offset
                if time >= slots[slot].candle.openTime && time < slots[slot].end {
                    slots[slot].candle.include(
                        price: trade.price, quantity: trade.quantity, volume: volume, quoteVolume: quoteVolume, stamp: stamp)
                } else {
                    misses |= 1 << offset
                }
            }
        }
        while misses != 0 {
            let offset = misses.trailingZeroBitCount
            misses &= misses - 1
            addOutsideCurrent(trade, symbol: symbol, offset: offset, volume: volume, quoteVolume: quoteVolume)
        }
    }

    public mutating func add(contentsOf trades: some Sequence<Trade>) {
        for trade in trades {
            add(trade)
        }
    }

    /// The partial candles of the trades added since the last drain.
    public func candles() -> [CandleKey: Candle] {
        var result: [CandleKey: Candle] = [:]
        result.reserveCapacity(earlier.count + slots.count)
        for (bucket, candle) in earlier {
            result[CandleKey(symbol: symbols[Int(bucket.symbol)], interval: bucket.interval, openTime: bucket.openTime)] = candle
        }
        for (index, slot) in slots.enumerated() where !slot.isEmpty {
            let key = CandleKey(
                symbol: symbols[index / Self.intervalCount], interval: slot.candle.interval, openTime: slot.candle.openTime)
            result[key] = result[key].map { $0.merged(with: slot.candle) } ?? slot.candle
        }
        return result
    }

    /// The partial candles of the trades added since the last drain, and a fresh start for the next batch (symbols and
    /// storage are kept).
    public mutating func drain() -> [CandleKey: Candle] {
        let result = candles()
        earlier.removeAll(keepingCapacity: true)
        for index in slots.indices {
            slots[index] = .empty
        }
        return result
    }

    private mutating func index(of symbol: String) -> Int32 {
        if symbol == lastSymbol {
            return lastSymbolIndex
        }
        let index: Int32
        if let known = symbolIndices[symbol] {
            index = known
        } else {
            index = Int32(symbols.count)
            symbolIndices[symbol] = index
            symbols.append(symbol)
            slots.append(contentsOf: repeatElement(.empty, count: Self.intervalCount))
        }
        lastSymbol = symbol
        lastSymbolIndex = index
        return index
    }

    /// A trade outside the current bucket of one interval: it starts the first or a newer bucket, or it is late.
    private mutating func addOutsideCurrent(
        _ trade: Trade, symbol: Int32, offset: Int, volume: WideDecimal, quoteVolume: WideDecimal
    ) {
        let interval = Self.intervals[offset]
        let slotIndex = Int(symbol) * Self.intervalCount + offset
        let slot = slots[slotIndex]
        let openTime = interval.openTime(containing: trade.time)
        let single = Candle(
            interval: interval, openTime: openTime, price: trade.price, quantity: trade.quantity, volume: volume,
            quoteVolume: quoteVolume, stamp: trade.stamp)
        if !slot.isEmpty && trade.time < slot.candle.openTime {
            let bucket = Bucket(symbol: symbol, interval: interval, openTime: openTime)
            if let index = earlier.index(forKey: bucket) {
                earlier.values[index].include(
                    price: trade.price, quantity: trade.quantity, volume: volume, quoteVolume: quoteVolume, stamp: trade.stamp)
            } else {
                earlier[bucket] = single
            }
            return
        }
        if !slot.isEmpty {
            let bucket = Bucket(symbol: symbol, interval: interval, openTime: slot.candle.openTime)
            earlier[bucket] = earlier[bucket].map { $0.merged(with: slot.candle) } ?? slot.candle
        }
        slots[slotIndex] = Slot(candle: single, end: interval.nextOpenTime(after: openTime))
    }
}
