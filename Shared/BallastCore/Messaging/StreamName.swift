/// Redis stream names shared by every service (the message contract in docs/architecture.md).
public enum StreamName {
    public static let signals = "ballast:signals"
    public static let events = "ballast:events"
    public static let trades = "ballast:trades"
    public static let rebalanceRequests = "ballast:rebalance.requests"

    /// Where entries that could not be processed end up, with the error and delivery count.
    public static func deadLetter(of stream: String) -> String { "\(stream):dlq" }
}
