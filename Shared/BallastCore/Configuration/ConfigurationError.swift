/// A setting that cannot be used, named so that the operator can fix it.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    public var variable: String
    public var reason: String

    public init(variable: String, reason: String) {
        self.variable = variable
        self.reason = reason
    }

    public var description: String { "\(variable): \(reason)" }
}
