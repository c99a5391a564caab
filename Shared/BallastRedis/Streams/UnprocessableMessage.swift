/// A handler's verdict that a message can never succeed (a trade with a negative price, say): the
/// consumer dead-letters it at once, with `reason`, instead of retrying it `maxDeliveries` times.
public struct UnprocessableMessage: Error, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
