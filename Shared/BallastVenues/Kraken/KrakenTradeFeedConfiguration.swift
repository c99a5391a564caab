import BallastCore
import Foundation

/// What the Kraken trade feed follows and how it copes with outages. `fromEnvironment` reads the operator's settings;
/// tests set the rest (their own stream and key, shorter timeouts).
public struct KrakenTradeFeedConfiguration: Sendable {
    public static let symbolsVariable = "BALLAST_KRAKEN_FEED_SYMBOLS"
    public static let urlVariable = "BALLAST_KRAKEN_WS_URL"
    public static let defaultURL = "wss://ws.kraken.com/v2"

    /// Ballast symbols (`BTC-USD`), each with its v2 pair (`BTC/USD`), in the configured order.
    public private(set) var symbols: [(symbol: String, pair: String)]
    /// Kraken's WebSocket v2 endpoint.
    public var url: String
    /// Where trades go.
    public var stream = StreamName.trades
    /// The hash of last published trade ids (`KrakenTradeFeedScripts.lastTradeIDs`).
    public var lastTradeIDsKey = KrakenTradeFeedScripts.lastTradeIDs
    /// The stream's approximate cap, as every producer trims it.
    public var streamMaxLength = 1_000_000
    /// A connection that brings nothing for this long, not even a heartbeat (Kraken sends one a second), is dropped;
    /// so is one whose subscription is not answered in this time.
    public var silenceTimeout: Duration = .seconds(15)
    /// The first wait before reconnecting; it doubles per failed attempt up to `maximumBackoff`, with jitter.
    public var initialBackoff: Duration = .seconds(1)
    public var maximumBackoff: Duration = .seconds(60)
    /// A connection subscribed this long counts as healthy: the next failure starts a new outage, from the first wait.
    public var healthyAfter: Duration = .seconds(60)

    /// Follows `symbols` (Ballast's `BASE-QUOTE`) at `url`; throws naming the first symbol Kraken v2 cannot have.
    public init(symbols: [String], url: String = Self.defaultURL) throws(KrakenWebSocketSymbolError) {
        var pairs: [(symbol: String, pair: String)] = []
        for symbol in symbols {
            let pair = try KrakenWebSocketSymbol.pair(for: symbol)
            if !pairs.contains(where: { $0.pair == pair }) { pairs.append((KrakenWebSocketSymbol.symbol(for: pair), pair)) }
        }
        self.symbols = pairs
        self.url = url
    }

    /// The feed's settings, or nil when `BALLAST_KRAKEN_FEED_SYMBOLS` is unset (the feed is off). Invalid values are
    /// refused naming the variable.
    public static func fromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) throws(ConfigurationError) -> Self? {
        guard let list = environment.string(symbolsVariable) else { return nil }
        let symbols = list.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0).trimmingCharacters(in: .whitespaces)
        }
        guard !symbols.contains(where: \.isEmpty) else {
            throw ConfigurationError(
                variable: symbolsVariable, reason: "expected comma-separated symbols such as BTC-USD,ETH-USD, got '\(list)'")
        }
        let url = environment.string(urlVariable, default: defaultURL)
        guard let parsed = URL(string: url), ["ws", "wss"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host?.isEmpty == false else {
            throw ConfigurationError(variable: urlVariable, reason: "expected a ws:// or wss:// URL such as \(defaultURL), got '\(url)'")
        }
        do {
            return try Self(symbols: symbols, url: url)
        } catch {
            throw ConfigurationError(variable: symbolsVariable, reason: error.description)
        }
    }

    /// The configured symbols, for logs and errors.
    public var symbolList: [String] { symbols.map(\.symbol) }
}
