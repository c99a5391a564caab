/// One rule an order broke, with a sentence for the trader.
/// An `Error` too, so one violation can travel in a `Result`.
public struct RiskViolation: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    public var rule: String
    public var message: String

    public init(rule: String, message: String) {
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(rule): \(message)" }
}
