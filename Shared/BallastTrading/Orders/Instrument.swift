/// A symbol's base and quote assets: `BTC-USD` and `BTC/USD` are BTC quoted in USD; `BTCUSDT` is read by its
/// known quote suffix.
public struct Instrument: Sendable, Equatable {
    public var base: String
    public var quote: String

    static let knownQuotes = ["USDT", "USDC", "USD", "EUR", "GBP", "BTC", "ETH"]

    public init?(symbol: String) {
        for separator in ["-", "/"] where symbol.contains(separator) {
            let parts = symbol.split(separator: separator, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
            base = String(parts[0])
            quote = String(parts[1])
            return
        }
        guard let quote = Self.knownQuotes.first(where: { symbol.hasSuffix($0) && symbol.count > $0.count }) else { return nil }
        base = String(symbol.dropLast(quote.count))
        self.quote = quote
    }
}
