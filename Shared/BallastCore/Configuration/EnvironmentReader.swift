import Foundation

/// Reads typed settings from environment variables; every failure names the variable.
public struct EnvironmentReader: Sendable {
    public var values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    /// The trimmed value, or nil when unset or empty.
    public func string(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    public func string(_ name: String, default fallback: String) -> String {
        string(name) ?? fallback
    }

    public func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let text = string(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(
                variable: name,
                reason: "expected an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'"
            )
        }
        return value
    }

    public func port(_ name: String, default fallback: Int) throws(ConfigurationError) -> Int {
        guard let text = string(name) else { return fallback }
        guard let value = Int(text), (1...65_535).contains(value) else {
            throw ConfigurationError(variable: name, reason: "expected a TCP port in 1...65535, got '\(text)'")
        }
        return value
    }

    public func milliseconds(_ name: String, default fallback: Duration) throws(ConfigurationError) -> Duration {
        guard string(name) != nil else { return fallback }
        return .milliseconds(try integer(name, default: 0, range: 1...86_400_000))
    }

    public func boolean(_ name: String, default fallback: Bool) throws(ConfigurationError) -> Bool {
        guard let text = string(name)?.lowercased() else { return fallback }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(variable: name, reason: "expected 1/0, true/false, yes/no or on/off, got '\(text)'")
        }
    }

    public func choice<Value: RawRepresentable & CaseIterable>(
        _ name: String,
        default fallback: Value
    ) throws(ConfigurationError) -> Value where Value.RawValue == String {
        guard let text = string(name) else { return fallback }
        guard let value = Value(rawValue: text.lowercased()) else {
            let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(variable: name, reason: "expected one of \(allowed), got '\(text)'")
        }
        return value
    }
}
