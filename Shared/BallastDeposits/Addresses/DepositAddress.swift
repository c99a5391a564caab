import Foundation

/// An address of the pool: free, or handed to a user for payments on its chain.
public struct DepositAddress: Sendable, Equatable, Encodable {
    public var chain: String
    public var address: String
    public var label: String?
    public var userID: UUID?
    public var assignedAt: Date?

    public init(chain: String, address: String, label: String? = nil, userID: UUID? = nil, assignedAt: Date? = nil) {
        self.chain = chain
        self.address = address
        self.label = label
        self.userID = userID
        self.assignedAt = assignedAt
    }

    enum CodingKeys: String, CodingKey {
        case chain, address, label
        case userID = "userId"
        case assignedAt
    }
}
