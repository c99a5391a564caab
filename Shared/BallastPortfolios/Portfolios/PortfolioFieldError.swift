/// A portfolio setting that cannot be accepted, and why: the API answers it as a 400 naming `field`.
public struct PortfolioFieldError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field as the API names it (`targetWeights`, `targetWeights.BTC`, `driftThreshold`…).
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
