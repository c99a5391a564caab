import BallastCore
import Foundation

/// An event from `ballast:events` as the notifier stores it: its envelope id (the `webhook-id`), its owner and the
/// exact body endpoints receive.
public struct WebhookEvent: Sendable, Equatable {
    public var id: String
    public var type: String
    public var userID: UUID
    public var payload: String
    public var occurredAt: Date

    public init(id: String, type: String, userID: UUID, payload: String, occurredAt: Date) {
        self.id = id
        self.type = type
        self.userID = userID
        self.payload = payload
        self.occurredAt = occurredAt
    }

    /// The event an envelope carries; nil when its body names no user (nobody to deliver it to).
    public init?(envelope: Envelope) {
        guard let owner = try? envelope.decodePayload(Owner.self), let userID = UUID(uuidString: owner.userId) else { return nil }
        self.init(id: envelope.id, type: envelope.type, userID: userID, payload: envelope.data, occurredAt: envelope.timestamp)
    }

    private struct Owner: Decodable {
        var userId: String
    }
}
