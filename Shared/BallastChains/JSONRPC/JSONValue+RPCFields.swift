import BallastCore

/// Typed reads of the members a JSON-RPC result carries. Integers are taken from the number's exact text, so a
/// height or a time never passes through floating point.
extension JSONValue {
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The number as an integer; nil for a fraction, an exponent or a value beyond `Int`.
    public var integerValue: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public static func integer(_ value: some BinaryInteger) -> JSONValue { .number(String(value)) }
}
