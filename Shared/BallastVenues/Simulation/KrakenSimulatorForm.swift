import BallastCore
import Foundation

/// The parameters of a call to the simulated Kraken, read from a form-encoded body or query (what Kraken's clients
/// send) or from a JSON object body (which Kraken also accepts).
struct KrakenSimulatorForm: Sendable {
    private(set) var fields: [(name: String, value: String)]

    init(fields: [(name: String, value: String)] = []) { self.fields = fields }

    /// Parses `a=1&b=x%20y`; nil when a name or value is not valid percent-encoding.
    init?(urlEncoded text: String) {
        var fields: [(name: String, value: String)] = []
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(pieces[0]), let value = Self.decode(pieces.count == 2 ? pieces[1] : "") else { return nil }
            fields.append((name, value))
        }
        self.fields = fields
    }

    /// A body as Kraken reads it: JSON when it starts with `{`, else form-encoded; nil when it is neither.
    init?(body: [UInt8]) {
        let first = body.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        guard first == UInt8(ascii: "{") else {
            self.init(urlEncoded: String(decoding: body, as: UTF8.self))
            return
        }
        guard case .object(let members)? = try? JSONValue(parsing: body) else { return nil }
        self.init(
            fields: members.compactMap { member in
                switch member.value {
                case .string(let text), .number(let text): (member.key, text)
                case .bool(let flag): (member.key, flag ? "true" : "false")
                case .array(let values): (member.key, values.compactMap(\.simulatorText).joined(separator: ","))
                default: nil
                }
            })
    }

    /// The last value given for `name`, as Kraken's parameter parser keeps it.
    subscript(name: String) -> String? { fields.last { $0.name == name }?.value }

    /// Kraken's booleans: `true` or `1`.
    func flag(_ name: String) -> Bool { self[name].map { $0 == "true" || $0 == "1" } ?? false }

    /// A comma-separated list (`txid=A,B`), without empty entries.
    func list(_ name: String) -> [String] {
        (self[name] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

extension JSONValue {
    fileprivate var simulatorText: String? {
        switch self {
        case .string(let text), .number(let text): text
        default: nil
        }
    }
}
