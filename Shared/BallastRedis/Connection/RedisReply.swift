/// A Redis reply, copied out of hiredis at once so that no C memory outlives the call.
public enum RedisReply: Sendable, Equatable {
    case string(String)
    case status(String)
    case integer(Int)
    case array([RedisReply])
    case null
    case error(String)

    public var string: String? {
        switch self {
        case .string(let value), .status(let value): value
        case .integer(let value): String(value)
        default: nil
        }
    }

    public var integer: Int? {
        switch self {
        case .integer(let value): value
        case .string(let value): Int(value)
        default: nil
        }
    }

    public var array: [RedisReply]? {
        if case .array(let values) = self { return values }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// Throws the server error this reply carries, if any.
    @discardableResult
    public func checked() throws(RedisError) -> RedisReply {
        if case .error(let message) = self { throw .server(message) }
        return self
    }
}
