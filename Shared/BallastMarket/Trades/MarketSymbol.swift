/// The one rule for a symbol, wherever one is read (trades, webhook tickers and their exchange prefix, query
/// parameters): upper case, 1 to 32 of `A-Z 0-9 - _ . / !` (`BTC-USD`, `BTCUSDT`, TradingView's continuous `ES1!`).
public enum MarketSymbol {
    /// The symbol in upper case, or nil when it is not one.
    public static func normalized(_ text: String) -> String? {
        let upper = text.uppercased()
        guard (1...32).contains(upper.utf8.count),
            upper.utf8.allSatisfy({ (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || "-_./!".utf8.contains($0) })
        else { return nil }
        return upper
    }
}
