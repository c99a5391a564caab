/// A call pays `max(S − K, 0)` at expiry, a put `max(K − S, 0)`, per unit of underlying.
public enum OptionKind: String, Sendable, Codable, CaseIterable {
    case call, put
}
