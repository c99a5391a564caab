import BallastCore
import BallastService
import Foundation

/// The fields of a JSON request body (a webhook signal, risk limits), read one at a time: each reader returns the
/// value or nil, and records what is wrong under the field's name, so that one 400 names every bad field.
struct BodyFields {
    let body: JSONValue
    private(set) var problems: [ProblemDetails.InvalidParameter] = []

    init(_ body: JSONValue) { self.body = body }

    /// Whether `name` is sent with a value (`null` counts as absent).
    func isPresent(_ name: String) -> Bool { body[name].map { $0 != .null } ?? false }

    /// Whether a problem is recorded for `name` or for one of its members (`stopLoss.type`).
    func hasProblem(_ name: String) -> Bool { problems.contains { $0.name == name || $0.name.hasPrefix(name + ".") } }

    mutating func report(_ name: String, _ reason: String) { problems.append(.init(name: name, reason: reason)) }

    mutating func report(_ problems: [ProblemDetails.InvalidParameter]) { self.problems += problems }

    /// Records every member of the body that is not one of `known`, so that a misspelt field is a 400 rather than
    /// a setting silently left as it was.
    mutating func reportUnknown(_ known: [String], of what: String) {
        guard case .object(let members) = body else { return }
        var seen: Set<String> = []
        for key in members.map(\.key) where !known.contains(key) && seen.insert(key).inserted {
            report(String(key.prefix(64)), "is not a field of \(what); expected \(known.joined(separator: ", "))")
        }
    }

    /// Text, trimmed at both ends: nil when absent, `null` or empty. A JSON number is taken as its text; control
    /// characters other than newline and tab are refused.
    mutating func text(_ name: String, maxLength: Int = 256) -> String? {
        guard let value = body[name], value != .null else { return nil }
        switch value {
        case .string(let string)
        where string.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }:
            report(name, "must not contain control characters")
        case .string(let string) where string.count <= maxLength:
            let trimmed = string.trimmingEdgeWhitespace()
            return trimmed.isEmpty ? nil : trimmed
        case .string: report(name, "must be at most \(maxLength) characters")
        case .number(let number): return number
        default: report(name, "must be a string")
        }
        return nil
    }

    /// An amount above 0 (`PositiveDecimal`); nil when absent or `null`.
    mutating func positiveDecimal(_ name: String) -> Decimal? {
        guard let value = body[name], value != .null else { return nil }
        return PositiveDecimal.read(value, name: name, problems: &problems)
    }

    /// One of `Value`'s cases or `aliases`, in any case; a wrong word is reported with the accepted ones.
    mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ name: String, _ type: Value.Type, aliases: [String: Value] = [:]
    ) -> Value? where Value.RawValue == String {
        guard let raw = text(name, maxLength: 32) else { return nil }
        if let value = Value(rawValue: raw.lowercased()) ?? aliases[raw.lowercased()] { return value }
        let accepted = (Value.allCases.map(\.rawValue) + aliases.keys.sorted()).joined(separator: ", ")
        report(name, "'\(raw.prefix(40))' is not one of \(accepted)")
        return nil
    }

    /// The 400 naming every bad field.
    var failure: ProblemDetails { Self.failure(problems) }

    static func failure(_ problems: [ProblemDetails.InvalidParameter]) -> ProblemDetails {
        ProblemDetails(
            status: .badRequest, detail: problems.count == 1 ? "1 field is invalid" : "\(problems.count) fields are invalid",
            invalidParams: problems)
    }
}
