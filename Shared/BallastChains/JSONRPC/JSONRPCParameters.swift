import BallastCore

/// The `params` of a request as a handler reads them: each parameter by its position or, when the caller sent an
/// object, by its name, as Bitcoin Core accepts both.
public struct JSONRPCParameters: Sendable {
    public let json: JSONValue

    public init(_ json: JSONValue) { self.json = json }

    /// The parameter at `position` (positional call) or under `name` (named call); nil when absent or null.
    public func value(_ position: Int, _ name: String) -> JSONValue? {
        let found: JSONValue?
        switch json {
        case .array(let values): found = position < values.count ? values[position] : nil
        case .object: found = json[name]
        default: found = nil
        }
        return found == .null ? nil : found
    }

    public func integer(_ position: Int, _ name: String) throws(JSONRPCErrorObject) -> Int {
        guard let value = value(position, name) else { throw .invalidParams("missing parameter \(name)") }
        guard let integer = value.integerValue else { throw .invalidParams("\(name) must be an integer") }
        return integer
    }

    public func optionalInteger(_ position: Int, _ name: String) throws(JSONRPCErrorObject) -> Int? {
        guard value(position, name) != nil else { return nil }
        return try integer(position, name)
    }

    public func string(_ position: Int, _ name: String) throws(JSONRPCErrorObject) -> String {
        guard let value = value(position, name) else { throw .invalidParams("missing parameter \(name)") }
        guard let text = value.stringValue else { throw .invalidParams("\(name) must be a string") }
        return text
    }
}
