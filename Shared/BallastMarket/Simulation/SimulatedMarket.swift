import BallastCore

/// Trades from a seeded random walk per symbol, for `ballast market simulate` and demo data: the same
/// seed gives the same prices, quantities and sides.
public struct SimulatedMarket: Sendable {
    private var generator: SplitMix64
    private var prices: [(symbol: String, units: Int64)]
    private var nextID: UInt64
    private var nextSymbol = 0

    /// Starting prices of well-known symbols; others start at 100.
    static let startingPrices: [String: Int64] = ["BTC-USD": 97_000, "ETH-USD": 3_500, "SOL-USD": 240, "BTCUSDT": 97_000]

    public init(symbols: [String], seed: UInt64, firstTradeID: UInt64) {
        precondition(!symbols.isEmpty, "a market needs at least one symbol")
        generator = SplitMix64(seed: seed)
        prices = symbols.map { ($0, (Self.startingPrices[$0] ?? 100) * FixedDecimal.unitsPerWhole) }
        nextID = firstTradeID
    }

    /// The next trade, symbols in turn: the price moves by up to ±5 basis points on a 0.01 tick, the
    /// quantity is 0.0001 to 0.5.
    public mutating func nextTrade(at time: Int64) -> Trade {
        let index = nextSymbol
        nextSymbol = (nextSymbol + 1) % prices.count
        let tick = FixedDecimal.unitsPerWhole / 100
        let basisPoints = Int64(generator.next() % 11) - 5
        var units = prices[index].units + prices[index].units * basisPoints / 10_000
        units = max(tick, units / tick * tick)
        prices[index].units = units
        let quantity = Int64(generator.next() % 5_000 + 1) * (FixedDecimal.unitsPerWhole / 10_000)
        let side: TradeSide = generator.next() % 2 == 0 ? .buy : .sell
        nextID += 1
        // Positive by construction, so the trade is valid.
        return try! Trade(
            symbol: prices[index].symbol,
            price: FixedDecimal(units: units),
            quantity: FixedDecimal(units: quantity),
            side: side,
            id: TradeID(nextID),
            time: time
        )
    }
}
