import Foundation

/// A delivery as the API shows it; `attempts` and `payload` only when it is asked for alone.
public struct DeliveryView: Sendable, Encodable, Equatable {
    public var id: UUID
    public var webhookID: UUID
    public var eventID: String
    public var eventType: String
    /// `pending`, `succeeded`, `failed`, or `missed` (the endpoint was disabled when the event came).
    public var status: String
    public var isTest: Bool
    public var attemptCount: Int
    public var nextAttemptAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    public var payload: String?
    public var attempts: [AttemptView]?

    enum CodingKeys: String, CodingKey {
        case id
        case webhookID = "webhookId"
        case eventID = "eventId"
        case eventType
        case status
        case isTest
        case attemptCount
        case nextAttemptAt
        case createdAt
        case updatedAt
        case payload
        case attempts
    }
}

/// One attempt of a delivery: when, how long, what came back.
public struct AttemptView: Sendable, Encodable, Equatable {
    public var number: Int
    public var attemptedAt: Date
    public var durationMs: Int
    public var statusCode: Int?
    public var responseExcerpt: String?
    public var error: String?
}
