/// Why a call to a node gave no usable result. Every failure of the wire, the node or its answer ends here, so a
/// caller logs it with the chain and method and retries later; none of them crashes the caller.
public enum JSONRPCError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No answer: connection refused or dropped, name not resolved.
    case transport(method: String, reason: String)
    /// No complete answer within the call's time limit.
    case timeout(method: String, limit: Duration)
    /// An HTTP status other than 200 with a body that is not a JSON-RPC answer (an auth failure, a proxy's error page).
    case httpStatus(method: String, status: Int, bodyExcerpt: String)
    /// A body that is not JSON, or JSON that is not a JSON-RPC answer, or an answer to another id.
    case malformedResponse(method: String, reason: String)
    /// The node understood the call and refused it, with its own code (Bitcoin Core: -8 for a height out of range,
    /// -5 for an unknown block).
    case rpc(method: String, code: Int, message: String)
    /// A result whose shape is not the documented one (a block without a hash, an amount that is not a number).
    case unexpectedResult(method: String, reason: String)

    public var description: String {
        switch self {
        case .transport(let method, let reason): "\(method): no answer from the node: \(reason)"
        case .timeout(let method, let limit): "\(method): the node did not answer within \(limit)"
        case .httpStatus(let method, let status, let excerpt): "\(method): HTTP \(status) from the node: \(excerpt)"
        case .malformedResponse(let method, let reason): "\(method): malformed answer: \(reason)"
        case .rpc(let method, let code, let message): "\(method): the node answered error \(code): \(message)"
        case .unexpectedResult(let method, let reason): "\(method): unexpected result: \(reason)"
        }
    }

    /// The node's error code when it answered with an RPC error.
    public var rpcCode: Int? {
        if case .rpc(_, let code, _) = self { return code }
        return nil
    }
}
