import Foundation

/// An endpoint as the API shows it. `secret` is set only in the answers that create or rotate it.
public struct WebhookEndpoint: Sendable, Encodable, Equatable {
    public var id: UUID
    public var url: String
    public var description: String
    /// The event types it receives; `["*"]` is every type.
    public var events: [String]
    public var enabled: Bool
    public var disabledAt: Date?
    public var disabledReason: String?
    /// Consecutive failed deliveries (the seeds' `failureCount`), and when the first of them failed.
    public var failureCount: Int
    public var failingSince: Date?
    /// The seeds' `lastTriggeredAt`: when an attempt to it last ended.
    public var lastTriggeredAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    public var secret: String?
    /// Until when the secret replaced by the last rotation still signs beside the new one.
    public var previousSecretExpiresAt: Date?

    public init(
        id: UUID, url: String, description: String, events: [String], enabled: Bool, disabledAt: Date?, disabledReason: String?,
        failureCount: Int, failingSince: Date?, lastTriggeredAt: Date?, createdAt: Date, updatedAt: Date, secret: String?,
        previousSecretExpiresAt: Date?
    ) {
        self.id = id
        self.url = url
        self.description = description
        self.events = events
        self.enabled = enabled
        self.disabledAt = disabledAt
        self.disabledReason = disabledReason
        self.failureCount = failureCount
        self.failingSince = failingSince
        self.lastTriggeredAt = lastTriggeredAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.secret = secret
        self.previousSecretExpiresAt = previousSecretExpiresAt
    }

    /// Whether it receives events of `type`.
    public func receives(_ type: String) -> Bool {
        events.contains(WebhookEventType.wildcard) || events.contains(type)
    }
}
