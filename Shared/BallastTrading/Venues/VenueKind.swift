/// Where an account's orders execute: `paper` (Ballast's own simulated fills, the default) or an exchange.
public enum VenueKind: String, Sendable, Codable, CaseIterable {
    case paper
    case kraken

    public var isExchange: Bool { self != .paper }
}
