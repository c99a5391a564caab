/// A ticker that no known symbol matches.
public struct UnknownSymbol: Sendable, Equatable, CustomStringConvertible {
    /// The ticker as given (trimmed), exchange prefix included.
    public var ticker: String
    /// The ticker without its exchange prefix, upper case.
    public var symbol: String
    /// The base and quote the ticker was read as (after aliases and the quote mapping), when it could be split.
    public var pair: AssetPair?
    /// At most 3 known symbols, closest first (see `SymbolCatalogue`).
    public var closest: [String]

    public init(ticker: String, symbol: String, pair: AssetPair?, closest: [String]) {
        self.ticker = ticker
        self.symbol = symbol
        self.pair = pair
        self.closest = closest
    }

    /// `no market data for BTCUSDX (ticker BINANCE:BTCUSDX); closest known: BTC-USD, BTCUSDT`.
    public var description: String {
        let name = symbol.isEmpty ? "'\(ticker)'" : symbol
        var notes: [String] = []
        if ticker != symbol, !symbol.isEmpty { notes.append("ticker \(ticker)") }
        if let pair { notes.append("read as \(pair)") }
        let about = notes.isEmpty ? "" : " (\(notes.joined(separator: ", ")))"
        let suggestions = closest.isEmpty ? "market-data knows no similar symbol" : "closest known: \(closest.joined(separator: ", "))"
        return "no market data for \(name)\(about); \(suggestions)"
    }
}
