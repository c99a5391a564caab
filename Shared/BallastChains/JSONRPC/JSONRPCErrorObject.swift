import BallastCore

/// The `error` member of an answer: what a node reports when it understood the call and refused it.
public struct JSONRPCErrorObject: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { "RPC error \(code): \(message)" }

    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("code", .number(String(code))), ("message", .string(message))]
        if let data { members.append(("data", data)) }
        return .object(members)
    }

    /// Reads an error object; nil when `value` does not have the shape (a node's own error pages are not this).
    public init?(json value: JSONValue) {
        guard case .number(let codeText)? = value["code"], let code = Int(codeText) else { return nil }
        let message: String
        if case .string(let text)? = value["message"] { message = text } else { message = "" }
        self.init(code: code, message: message, data: value["data"])
    }

    // The codes of the JSON-RPC 2.0 specification, which Bitcoin Core and Ethereum nodes also use.
    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603

    public static func parseError(_ message: String) -> Self { Self(code: parseErrorCode, message: message) }
    public static func invalidRequest(_ message: String) -> Self { Self(code: invalidRequestCode, message: message) }
    public static func methodNotFound(_ method: String) -> Self { Self(code: methodNotFoundCode, message: "Method not found: \(method)") }
    public static func invalidParams(_ message: String) -> Self { Self(code: invalidParamsCode, message: message) }
    public static func internalError(_ message: String) -> Self { Self(code: internalErrorCode, message: message) }
}
