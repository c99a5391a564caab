/// In or out of the money, as the signal bridges' `intrinsicValue` field writes it: a call is in the money when its
/// strike is below the underlying price, a put when its strike is above it.
public enum Moneyness: String, Sendable, Codable, CaseIterable {
    case itm, otm
}
