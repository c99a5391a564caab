/// A market's base and quote assets: `BTC-USD`, `BTC/USD`, `BTC_USD` and `BTCUSD` are BTC quoted in USD.
/// The one place where Ballast splits a symbol.
public struct AssetPair: Sendable, Hashable, CustomStringConvertible {
    public var base: String
    public var quote: String

    public init(base: String, quote: String) {
        self.base = base
        self.quote = quote
    }

    public var description: String { "\(base)/\(quote)" }

    /// Characters that separate the base from the quote.
    public static let separators: Set<Character> = ["-", "/", "_"]

    /// Quote assets recognised at the end of a symbol without a separator (`BTCUSDT`), longest first. Not BUSD:
    /// Binance ended it in 2024, and as a suffix it would misread `BNBUSD` as BN/BUSD and `SHIBUSD` as SHI/BUSD. A market
    /// quoted in BUSD is recognised when spelled with a separator (`BNB-BUSD`), or through `BALLAST_QUOTE_ALIASES`.
    public static let defaultQuotes = byLengthDescending([
        "USDT", "USDC", "FDUSD", "DAI", "USD", "EUR", "GBP", "JPY", "AUD", "CAD", "CHF", "BTC", "ETH",
    ])

    /// Every way `symbol` splits, most likely first. A symbol with a separator splits there only, into two non-empty
    /// parts (`BTC-USD`; `-USD` and `BTC-ETH-USD` do not split). Otherwise each quote of `quotes` (longest first) that
    /// ends the symbol and leaves a base gives a split: with `FDUSD` and `USD`, `BTCFDUSD` is BTC/FDUSD, then BTCFD/USD.
    /// Letters are compared as given: callers upper-case first when case does not matter.
    public static func splits(of symbol: String, quotes: [String] = defaultQuotes) -> [AssetPair] {
        if symbol.contains(where: separators.contains) {
            let parts = symbol.split(omittingEmptySubsequences: false, whereSeparator: separators.contains)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return [] }
            return [AssetPair(base: String(parts[0]), quote: String(parts[1]))]
        }
        return quotes.compactMap { quote in
            guard symbol.count > quote.count, symbol.hasSuffix(quote) else { return nil }
            return AssetPair(base: String(symbol.dropLast(quote.count)), quote: quote)
        }
    }

    /// `codes` without duplicates, longest first, then alphabetically (so the order never depends on a set's).
    static func byLengthDescending(_ codes: some Sequence<String>) -> [String] {
        Set(codes).sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }
}
