/// The side the venue reports for a trade: `buy` or `sell`.
public enum TradeSide: String, Sendable, Hashable, Codable {
    case buy
    case sell
}
