import BallastCore

/// The market symbols market-data knows, and how tickers as senders write them map onto those symbols.
///
/// `resolve(_:)` reads a ticker such as `BTCUSD`, `COINBASE:BTCUSD`, `XBTUSD`, `XXBTZUSD` or `btc/usdt`:
/// 1. The exchange prefix (everything up to the last `:`) is dropped: it is accepted but never changes the answer.
///    The rest is upper-cased.
/// 2. A known symbol spelled exactly so wins.
/// 3. Otherwise the ticker is split into base and quote (`AssetPair.splits`: at `-`, `/` or `_`, or before a known
///    quote suffix, longest first; each split is tried in turn). Both assets go through the asset aliases
///    (`XBT` → `BTC`, Kraken's `XXBT`, `ZUSD`, ...), then the quote through the quote mapping (`USDT` → `USD` when
///    the operator sets it; none by default). The known symbol with that base and quote answers, however it is
///    spelled (`BTC-USD`, `BTCUSD`, `BTC/USD`); when the mapped quote has none, the quote before mapping is tried.
///    Known symbols are split the same way (with the aliases, without the mapping). When two known symbols have the
///    same pair, the one split with fewer guesses wins, then the first alphabetically.
///
/// An unknown ticker gets up to 3 suggestions: known symbols with the ticker's base first (the whole ticker also
/// counts as a base, so `ETH` suggests `ETH-USD`), then those with its quote, then any other within a small edit
/// distance (`max(2, length / 3)`, letters and digits only); within each group by edit distance, then alphabetically.
///
/// Every lookup is a few dictionary reads; only an unknown ticker costs a pass over the known symbols.
public struct SymbolCatalogue: Sendable {
    /// Kraken's and others' names for common assets (Kraken prefixes crypto with X and fiat with Z: `XXBTZUSD`).
    public static let defaultBaseAliases: [String: String] = [
        "XBT": "BTC", "XXBT": "BTC", "XETH": "ETH", "XDG": "DOGE", "XXDG": "DOGE", "XLTC": "LTC", "XXRP": "XRP",
        "XXLM": "XLM", "XETC": "ETC", "XXMR": "XMR", "XZEC": "ZEC", "ZUSD": "USD", "ZEUR": "EUR", "ZGBP": "GBP",
        "ZJPY": "JPY", "ZCAD": "CAD", "ZAUD": "AUD",
    ]

    /// The known symbols, sorted.
    public let symbols: [String]
    /// Asset renames, applied to the base and the quote of tickers and of known symbols.
    public let baseAliases: [String: String]
    /// Quote substitutions, applied to the quote of tickers after the aliases.
    public let quoteAliases: [String: String]

    private let known: Set<String>
    private let byPair: [AssetPair: String]
    /// Every pair each known symbol splits into, aliases applied.
    private let pairsOfSymbol: [String: [AssetPair]]
    private let symbolsOfBase: [String: [String]]
    private let symbolsOfQuote: [String: [String]]
    /// Quote suffixes tried on tickers: the known symbols' quotes, the mapping, and the aliases of quotes.
    private let tickerQuotes: [String]

    public init(
        symbols: some Sequence<String>, baseAliases: [String: String] = defaultBaseAliases, quoteAliases: [String: String] = [:]
    ) {
        let known = Set(symbols)
        self.symbols = known.sorted()
        self.known = known
        self.baseAliases = baseAliases
        self.quoteAliases = quoteAliases
        let alias = { (code: String) in baseAliases[code] ?? code }

        var quotes = Set(AssetPair.defaultQuotes).union(quoteAliases.keys).union(quoteAliases.values)
        for symbol in self.symbols where symbol.contains(where: AssetPair.separators.contains) {
            if let pair = AssetPair.splits(of: symbol.uppercased()).first { quotes.insert(pair.quote) }
        }
        let symbolQuotes = AssetPair.byLengthDescending(quotes)
        tickerQuotes = AssetPair.byLengthDescending(quotes.union(baseAliases.filter { quotes.contains($0.value) }.keys))

        var best: [AssetPair: (rank: Int, symbol: String)] = [:]
        var pairsOfSymbol: [String: [AssetPair]] = [:]
        var symbolsOfBase: [String: [String]] = [:]
        var symbolsOfQuote: [String: [String]] = [:]
        for symbol in self.symbols {
            let pairs = AssetPair.splits(of: symbol.uppercased(), quotes: symbolQuotes).map {
                AssetPair(base: alias($0.base), quote: alias($0.quote))
            }
            pairsOfSymbol[symbol] = pairs
            for (rank, pair) in pairs.enumerated() {
                if let current = best[pair], current.rank <= rank { continue }
                best[pair] = (rank, symbol)
            }
            for base in Set(pairs.map(\.base)) { symbolsOfBase[base, default: []].append(symbol) }
            for quote in Set(pairs.map(\.quote)) { symbolsOfQuote[quote, default: []].append(symbol) }
        }
        byPair = best.mapValues(\.symbol)
        self.pairsOfSymbol = pairsOfSymbol
        self.symbolsOfBase = symbolsOfBase
        self.symbolsOfQuote = symbolsOfQuote
    }

    public init(symbols: some Sequence<String>, settings: SymbolCatalogueSettings) {
        self.init(symbols: symbols, baseAliases: settings.baseAliases, quoteAliases: settings.quoteAliases)
    }

    /// The base and quote of known symbol `symbol` (aliases applied), nil when it does not split.
    public func pair(of symbol: String) -> AssetPair? { pairsOfSymbol[symbol]?.first }

    /// The known symbol `ticker` trades, or why there is none and the closest known symbols.
    public func resolve(_ ticker: String) -> SymbolResolution {
        let trimmed = ticker.trimmingEdgeWhitespace()
        let bare = (trimmed.lastIndex(of: ":").map { trimmed[trimmed.index(after: $0)...] } ?? trimmed[...]).uppercased()
        if known.contains(bare) { return .known(bare) }
        let alias = { (code: String) in baseAliases[code] ?? code }
        var read: AssetPair?
        for split in AssetPair.splits(of: bare, quotes: tickerQuotes) {
            let pair = AssetPair(base: alias(split.base), quote: alias(split.quote))
            let mapped = AssetPair(base: pair.base, quote: quoteAliases[pair.quote] ?? pair.quote)
            read = read ?? mapped
            if let symbol = byPair[mapped] ?? byPair[pair] { return .known(symbol) }
        }
        return .unknown(
            UnknownSymbol(
                ticker: Self.shortened(trimmed), symbol: Self.shortened(bare),
                pair: read.map { AssetPair(base: Self.shortened($0.base), quote: Self.shortened($0.quote)) }, closest: closest(to: bare)))
    }

    /// Up to 3 known symbols near `bare` (see the type's description).
    private func closest(to bare: String) -> [String] {
        let alias = { (code: String) in baseAliases[code] ?? code }
        let splits = AssetPair.splits(of: bare, quotes: tickerQuotes)
        var bases = Set(splits.map { alias($0.base) })
        if !bare.isEmpty { bases.insert(alias(bare)) }
        var quotes = Set(splits.map { alias($0.quote) })
        quotes.formUnion(quotes.compactMap { quoteAliases[$0] })
        // Known symbols have at most 32 characters: what goes beyond 64 cannot make a ticker closer to one.
        let target = Array(Self.compact(bare).prefix(64))
        var chosen: [String] = []
        func take(_ candidates: some Sequence<String>, within limit: Int) {
            guard chosen.count < 3 else { return }
            let ranked = Set(candidates).subtracting(chosen).compactMap { symbol -> (Int, String)? in
                EditDistance.between(target, Self.compact(symbol), atMost: limit).map { ($0, symbol) }
            }
            chosen += ranked.sorted { $0 < $1 }.prefix(3 - chosen.count).map(\.1)
        }
        take(bases.flatMap { symbolsOfBase[$0] ?? [] }, within: .max)
        take(quotes.flatMap { symbolsOfQuote[$0] ?? [] }, within: .max)
        take(symbols, within: max(2, target.count / 3))
        return chosen
    }

    /// `text`, cut after 64 Unicode scalars for messages (a run of combining marks is one character, however long).
    private static func shortened(_ text: String) -> String {
        guard text.unicodeScalars.count > 64 else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.prefix(64))) + "…"
    }

    /// Upper-case letters and digits of `text` as bytes, without separators: `BTC-USD` is `BTCUSD`.
    private static func compact(_ text: String) -> [UInt8] {
        Array(text.uppercased().utf8.filter { !"-/_.".utf8.contains($0) })
    }
}
