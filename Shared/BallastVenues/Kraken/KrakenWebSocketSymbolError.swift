/// Why a configured symbol cannot be followed on Kraken.
public enum KrakenWebSocketSymbolError: Error, Equatable, CustomStringConvertible {
    case notASymbol(String)
    case notBaseQuote(String)
    case krakenAssetName(String)

    public var description: String {
        switch self {
        case .notASymbol(let text): "'\(text)' is not a symbol"
        case .notBaseQuote(let text): "'\(text)' is not BASE-QUOTE, such as BTC-USD"
        case .krakenAssetName(let text): "'\(text)': Kraken's WebSocket v2 names bitcoin BTC, write BTC-USD"
        }
    }
}
