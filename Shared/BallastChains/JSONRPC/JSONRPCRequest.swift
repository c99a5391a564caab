import BallastCore

/// One call: `method` with its `params`, matched to its answer by `id`. A request without an id is a notification,
/// which gets no answer.
public struct JSONRPCRequest: Sendable, Equatable {
    public var id: JSONValue?
    public var method: String
    /// An array (positional) or an object (named); Bitcoin Core and Ethereum nodes take both.
    public var params: JSONValue

    public init(id: JSONValue?, method: String, params: JSONValue = .array([])) {
        self.id = id
        self.method = method
        self.params = params
    }

    /// The body sent to a node. Version 2.0 is declared so that nodes which know it (Ethereum, Bitcoin Core 28+) answer
    /// with exactly one of `result` and `error`; older Bitcoin Core ignores the member and answers in 1.0 form.
    public var serialized: String {
        var members: [(key: String, value: JSONValue)] = [("jsonrpc", .string("2.0"))]
        if let id { members.append(("id", id)) }
        members.append(("method", .string(method)))
        members.append(("params", params))
        return JSONValue.object(members).serialized
    }

    /// Reads one request of a body; the error is the answer a server sends back for it.
    public init(parsing value: JSONValue) throws(JSONRPCErrorObject) {
        guard case .object = value else { throw .invalidRequest("a request must be a JSON object") }
        guard case .string(let method)? = value["method"] else { throw .invalidRequest("the request has no method name") }
        let params = value["params"] ?? .array([])
        switch params {
        case .array, .object, .null: break
        default: throw .invalidRequest("params must be an array or an object")
        }
        self.init(id: value["id"], method: method, params: params == .null ? .array([]) : params)
    }
}
