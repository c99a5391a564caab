/// An account's verification tier, which sets its REST call counter: how high the counter may go before Kraken answers
/// `EAPI:Rate limit exceeded`, and how fast it falls back (Kraken's rate limits guide).
public enum KrakenRateTier: String, Sendable, CaseIterable, Codable {
    /// Counter up to 15, falling by 0.33 a second.
    case starter
    /// Counter up to 20, falling by 0.5 a second.
    case intermediate
    /// Counter up to 20, falling by 1 a second.
    case pro

    public var maximum: Int {
        switch self {
        case .starter: 15
        case .intermediate, .pro: 20
        }
    }

    /// How long the counter takes to fall by one. Starter's 0.33 a second is taken as one every 3.03 s (rounded up, so
    /// the model never runs ahead of Kraken's own counter).
    public var decayInterval: Duration {
        switch self {
        case .starter: .milliseconds(3030)
        case .intermediate: .seconds(2)
        case .pro: .seconds(1)
        }
    }
}
