import BallastCore
import BallastMarket

/// One stream a WebSocket client can subscribe to: a symbol's market channel (`btc-usd@trade`, `btc-usd@kline_1m`,
/// `btc-usd@ticker`, `btc-usd@miniTicker`), or a user stream named by its listen key.
enum LiveStream: Hashable, Sendable {
    case market(symbol: String, channel: String)
    case user(listenKey: String)

    /// The channels of a symbol, as the fields of its entries on `ballast:market:<SYMBOL>` name them.
    static let marketChannels: Set<String> = Set(
        ["trade", "ticker", "miniTicker"] + CandleInterval.allCases.map { "kline_\($0.rawValue)" })

    /// The name frames and `LIST_SUBSCRIPTIONS` use: the symbol in lower case with its dash, or the listen key.
    var name: String {
        switch self {
        case .market(let symbol, let channel): "\(symbol.lowercased())@\(channel)"
        case .user(let listenKey): listenKey
        }
    }

    /// A listen key as `ListenKeyStore` makes them: 60 letters and digits.
    static func isListenKey(_ text: Substring) -> Bool {
        text.utf8.count == ListenKeyStore.keyLength && text.utf8.allSatisfy { isLetterOrDigit($0) }
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}

/// A stream name as a client wrote it, before its symbol is resolved.
struct LiveStreamRequest: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        /// `ticker` the symbol as written (`btcusd`, `BTC-USD`), `channel` already checked.
        case market(ticker: String, channel: String)
        case user(listenKey: String)
    }

    let kind: Kind

    /// Parses `text`, or says in one sentence why it is not a stream name.
    init(parsing text: some StringProtocol) throws(LiveStreamError) {
        let text = Substring(text)
        guard !text.isEmpty, text.utf8.count <= 128 else { throw .invalid(String(text.prefix(64)), "is not a stream name") }
        guard let at = text.firstIndex(of: "@") else {
            guard LiveStream.isListenKey(text) else {
                throw .invalid(String(text.prefix(64)), "is neither <symbol>@<channel> nor a listen key")
            }
            kind = .user(listenKey: String(text))
            return
        }
        let ticker = text[..<at]
        let channel = String(text[text.index(after: at)...])
        guard LiveStream.marketChannels.contains(channel) else {
            let known = (["trade", "ticker", "miniTicker"] + CandleInterval.allCases.map { "kline_\($0.rawValue)" }).joined(separator: ", ")
            throw .invalid(String(text.prefix(64)), "has no channel '\(channel.prefix(32))'; channels: \(known)")
        }
        guard MarketSymbol.normalized(String(ticker)) != nil else {
            throw .invalid(String(text.prefix(64)), "does not start with a symbol")
        }
        kind = .market(ticker: String(ticker), channel: channel)
    }
}

/// A stream name that cannot be served, with the reason a client is told.
enum LiveStreamError: Error, Equatable, CustomStringConvertible {
    case invalid(String, String)
    case unknownSymbol(String)
    case unknownListenKey

    var description: String {
        switch self {
        case .invalid(let name, let reason): "'\(name)' \(reason)"
        case .unknownSymbol(let name): "'\(name)': market-data has no trades of this symbol"
        case .unknownListenKey: "the listen key is unknown or expired: POST /api/v1/userDataStream for a new one"
        }
    }
}
