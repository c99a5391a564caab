/// What can go wrong talking to Redis.
public enum RedisError: Error, Equatable, CustomStringConvertible {
    /// Redis could not be reached (refused, DNS, timeout on connect, AUTH failed); nothing was sent.
    case connectionFailed(String)
    /// An established connection broke before the command was written: it did not run, and sending it
    /// again is safe. The next command reconnects.
    case connectionLost(String)
    /// The command was written but its reply never came (timeout, or the connection broke while waiting):
    /// it may have run, or may still run. `RedisClient` sends it again only when it is idempotent
    /// (`RedisCommand.isIdempotent`); a caller of anything else decides, e.g. by reading what it wrote.
    case replyLost(String)
    /// Redis answered with an error reply, e.g. `NOGROUP ...`.
    case server(String)
    /// A reply did not have the shape the command promises.
    case unexpectedReply(String)
    /// The connection was closed by its owner.
    case closed

    public var description: String {
        switch self {
        case .connectionFailed(let reason): "cannot connect to Redis: \(reason)"
        case .connectionLost(let reason): "Redis connection lost: \(reason)"
        case .replyLost(let reason): "Redis reply lost, the command may have run: \(reason)"
        case .server(let message): "Redis error: \(message)"
        case .unexpectedReply(let detail): "unexpected Redis reply: \(detail)"
        case .closed: "Redis connection closed"
        }
    }

    /// True when retrying later (after a reconnect) may succeed.
    public var isConnectionProblem: Bool {
        switch self {
        case .connectionFailed, .connectionLost, .replyLost: true
        default: false
        }
    }

    /// The stream or its consumer group is gone (Redis restarted without persistence, or the key was deleted).
    public var isMissingGroup: Bool {
        if case .server(let message) = self { return message.hasPrefix("NOGROUP") }
        return false
    }
}
