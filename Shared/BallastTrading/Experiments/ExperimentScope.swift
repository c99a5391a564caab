import Foundation

/// Which of a user's signals an experiment takes: from these sources, of these strategies, on these symbols. An empty
/// list places no condition.
public struct ExperimentScope: Sendable, Equatable, Codable {
    public var sources: [UUID]
    public var strategies: [String]
    /// As the trader writes them (`BTC-USD`); a signal's ticker matches when both agree letter for letter once
    /// separators and case are ignored (`BTCUSD`, `btc/usd`), since the webhook's ticker is resolved only later.
    public var symbols: [String]

    public init(sources: [UUID] = [], strategies: [String] = [], symbols: [String] = []) {
        self.sources = sources
        self.strategies = strategies
        self.symbols = symbols
    }

    public func contains(source: UUID, strategy: String?, symbol: String) -> Bool {
        (sources.isEmpty || sources.contains(source))
            && (strategies.isEmpty || strategy.map(strategies.contains) == true)
            && (symbols.isEmpty || symbols.map(Self.letters).contains(Self.letters(symbol)))
    }

    /// The symbol's letters and digits, upper-cased, without a venue prefix (`BINANCE:BTCUSDT` → `BTCUSDT`).
    static func letters(_ symbol: String) -> String {
        let ticker = symbol.split(separator: ":").last.map(String.init) ?? symbol
        return String(ticker.uppercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }
}
