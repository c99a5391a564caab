import BallastCore
import BallastDeposits
import Hummingbird

/// A deposit address as the API answers it (the owner is the caller, so it is left out).
struct DepositAddressDocument: ResponseEncodable, Sendable {
    var address: DepositAddress

    init(_ address: DepositAddress) { self.address = address }

    enum CodingKeys: String, CodingKey {
        case chain, address, label, assignedAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(address.chain, forKey: .chain)
        try container.encode(address.address, forKey: .address)
        try container.encode(address.label, forKey: .label)
        try container.encode(address.assignedAt.map(RFC3339.string(from:)), forKey: .assignedAt)
    }
}
