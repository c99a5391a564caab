import Foundation

/// A delivery claimed for one attempt: what to send, where, and with which secrets.
public struct ClaimedDelivery: Sendable {
    public var id: UUID
    /// The attempt's number over the delivery's life (1 for the first).
    public var attempt: Int
    /// The attempt's number since the delivery was last (re)scheduled: its place in the retry schedule.
    public var attemptInRound: Int
    public var isTest: Bool
    public var endpointID: UUID
    public var url: String
    /// The current secret, then the previous one while a rotation's overlap lasts, as stored.
    public var secrets: [String]
    public var event: WebhookEvent

    public init(
        id: UUID, attempt: Int, attemptInRound: Int, isTest: Bool, endpointID: UUID, url: String, secrets: [String], event: WebhookEvent
    ) {
        self.id = id
        self.attempt = attempt
        self.attemptInRound = attemptInRound
        self.isTest = isTest
        self.endpointID = endpointID
        self.url = url
        self.secrets = secrets
        self.event = event
    }
}
