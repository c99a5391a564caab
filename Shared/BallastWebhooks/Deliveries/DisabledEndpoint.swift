import Foundation

/// An endpoint the last write of results disabled; its owner's other endpoints hear of it (`webhook.disabled`).
public struct DisabledEndpoint: Sendable, Equatable, Encodable {
    public var webhookID: UUID
    public var userID: UUID
    public var url: String
    public var failureCount: Int
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case webhookID = "webhookId"
        case url
        case failureCount
        case reason
    }
}
