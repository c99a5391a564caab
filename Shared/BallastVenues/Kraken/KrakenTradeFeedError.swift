import BallastRedis

/// Why the Kraken trade feed dropped a frame or a connection; each names what failed, so the one warning of an outage
/// is enough to act on.
public enum KrakenTradeFeedError: Error, Equatable, CustomStringConvertible {
    /// A frame that is not one of v2's messages (not JSON, a field missing or of the wrong kind).
    case malformedFrame(String)
    /// A trade that Ballast cannot hold (more than eight decimal places, out of range).
    case unrepresentableTrade(String)
    /// Kraken answered the subscription of `symbol` with an error.
    case subscribeRefused(symbol: String, reason: String)
    /// Kraken answered a request with an error that names no symbol.
    case requestRefused(method: String, reason: String)
    /// No answer to the subscription of these symbols in time.
    case subscribeUnanswered(symbols: [String], after: Duration)
    /// Nothing at all arrived for this long: no trade, no heartbeat.
    case silent(after: Duration)
    /// Kraken closed the connection.
    case closed
    /// A trade could not be put on the stream.
    case publishFailed(RedisError)

    public var description: String {
        switch self {
        case .malformedFrame(let reason): "malformed Kraken frame: \(reason)"
        case .unrepresentableTrade(let reason): "Kraken trade cannot be published: \(reason)"
        case .subscribeRefused(let symbol, let reason): "Kraken refused the trade subscription of \(symbol): \(reason)"
        case .requestRefused(let method, let reason): "Kraken refused '\(method)': \(reason)"
        case .subscribeUnanswered(let symbols, let after):
            "Kraken did not answer the trade subscription of \(symbols.joined(separator: ", ")) within \(after.components.seconds) s"
        case .silent(let after): "nothing from Kraken for \(after.components.seconds) s (no trade, no heartbeat)"
        case .closed: "Kraken closed the connection"
        case .publishFailed(let error): "cannot publish Kraken trades: \(error)"
        }
    }
}
