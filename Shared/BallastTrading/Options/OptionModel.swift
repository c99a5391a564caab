/// How a premium is computed (docs/options.md has both formulas).
public enum OptionModel: String, Sendable, Codable, CaseIterable {
    /// Black-Scholes on the spot price, no dividends.
    case blackScholes = "black-scholes"
    /// Black's 1976 model on the forward or futures price, discounted at the rate.
    case black76 = "black-76"
}
