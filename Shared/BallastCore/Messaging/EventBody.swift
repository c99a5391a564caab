import Foundation

/// The body of every event on `ballast:events`, the shape the seed systems' webhook consumers read:
/// `{"event", "timestamp", "userId", "data"}`. The notifier delivers it as it is.
public struct EventBody<Data: Encodable>: Encodable {
    public var event: String
    public var timestamp: Date
    public var userID: UUID
    public var data: Data

    public init(event: String, timestamp: Date, userID: UUID, data: Data) {
        self.event = event
        self.timestamp = timestamp
        self.userID = userID
        self.data = data
    }

    enum CodingKeys: String, CodingKey {
        case event
        case timestamp
        case userID = "userId"
        case data
    }
}

extension Envelope {
    /// An event of `type` for `userID`, its envelope id the event's id.
    public static func event(_ type: String, userID: UUID, at time: Date, data: some Encodable) throws -> Envelope {
        try Envelope(type: type, timestamp: time, payload: EventBody(event: type, timestamp: time, userID: userID, data: data))
    }
}
