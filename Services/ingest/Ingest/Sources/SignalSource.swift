import BallastCore
import Foundation

/// Where signals come from: one webhook URL with its own secret, owned by a user.
public struct SignalSource: Sendable, Equatable {
    public var id: UUID
    public var userID: UUID
    public var name: String
    /// Verifies webhook signatures; never logged, returned only when created or rotated.
    public var secret: Secret
    public var isDefault: Bool

    public init(id: UUID, userID: UUID, name: String, secret: Secret, isDefault: Bool) {
        self.id = id
        self.userID = userID
        self.name = name
        self.secret = secret
        self.isDefault = isDefault
    }
}
