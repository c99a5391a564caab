/// Why an exchange call failed, in the terms that decide what happens next.
public enum VenueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The exchange answered and refused: nothing was done there. `code` is its own error string
    /// (`EOrder:Insufficient funds`), `reason` says it in words. Never retried: the order is rejected.
    case rejected(code: String, reason: String)
    /// The exchange refused for now (`EAPI:Rate limit exceeded`, `EService:Unavailable`): nothing was done there, and
    /// the same call may be made again after `retryAfterSeconds`.
    case busy(code: String, retryAfterSeconds: Int)
    /// The answer was lost (a timeout, a dropped connection, a body that cannot be read): the exchange may or may not
    /// have acted, so an order is looked up by its client order id before anything is sent again.
    case unknown(String)

    public var description: String {
        switch self {
        case .rejected(let code, let reason): "\(code): \(reason)"
        case .busy(let code, let seconds): "\(code): try again in \(seconds) s"
        case .unknown(let what): "no answer from the exchange: \(what)"
        }
    }
}
