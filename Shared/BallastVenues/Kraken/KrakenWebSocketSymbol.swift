import BallastMarket

/// Ballast's market symbols (`BTC-USD`) and the pairs of Kraken's WebSocket v2 (`BTC/USD`). v2 uses common asset
/// names, so the mapping is only the separator; Kraken's own `XBT` (REST and v1) is refused rather than translated,
/// so that one market never gets two Ballast names.
public enum KrakenWebSocketSymbol {
    /// The v2 pair of a Ballast symbol, or why there is none: a symbol must be `BASE-QUOTE`, both of letters and digits.
    public static func pair(for symbol: String) throws(KrakenWebSocketSymbolError) -> String {
        guard let normalized = MarketSymbol.normalized(symbol) else { throw .notASymbol(symbol) }
        let parts = normalized.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isAlphanumeric) }) else {
            throw .notBaseQuote(symbol)
        }
        guard !parts.contains("XBT") else { throw .krakenAssetName(symbol) }
        return "\(parts[0])/\(parts[1])"
    }

    /// The Ballast symbol of a v2 pair (`BTC/USD` is `BTC-USD`).
    public static func symbol(for pair: String) -> String {
        String(pair.map { $0 == "/" ? "-" : $0 })
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
