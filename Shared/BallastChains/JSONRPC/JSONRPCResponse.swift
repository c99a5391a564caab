import BallastCore

/// The answer to one request: its `id` and either a result or an error object.
public struct JSONRPCResponse: Sendable, Equatable {
    public var id: JSONValue
    public var outcome: Outcome

    public enum Outcome: Sendable, Equatable {
        case result(JSONValue)
        case error(JSONRPCErrorObject)
    }

    public init(id: JSONValue, outcome: Outcome) {
        self.id = id
        self.outcome = outcome
    }

    /// The answer as written by a server. A 2.0 caller gets exactly one of `result` and `error`; a 1.0 caller (older
    /// Bitcoin Core clients send no version) gets both, the unused one null, as Bitcoin Core answers them.
    public func json(version2: Bool) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if version2 { members.append(("jsonrpc", .string("2.0"))) }
        switch outcome {
        case .result(let result):
            members.append(("result", result))
            if !version2 { members.append(("error", .null)) }
        case .error(let error):
            if !version2 { members.append(("result", .null)) }
            members.append(("error", error.json))
        }
        members.append(("id", id))
        return .object(members)
    }

    /// Reads an answer in either form: an `error` that is not null wins, otherwise `result` (which may be null).
    public init?(json value: JSONValue) {
        guard case .object = value else { return nil }
        let id = value["id"] ?? .null
        if let error = value["error"], error != .null {
            guard let object = JSONRPCErrorObject(json: error) else { return nil }
            self.init(id: id, outcome: .error(object))
        } else if let result = value["result"] {
            self.init(id: id, outcome: .result(result))
        } else {
            return nil
        }
    }
}
