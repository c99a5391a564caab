import BallastCore

/// Which deliveries of an endpoint a listing shows, newest first.
public struct DeliveryFilter: Sendable, Equatable {
    public static let statuses: Set<String> = ["pending", "succeeded", "failed", "missed"]

    public var status: String?
    public var after: PageCursor?
    public var limit: Int

    public init(status: String? = nil, after: PageCursor? = nil, limit: Int = 50) {
        self.status = status
        self.after = after
        self.limit = limit
    }
}
