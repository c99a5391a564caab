import BallastCore
import Foundation

/// `balance.mismatch`: an exchange account's balance of an asset at the exchange is not what its ledger says
/// (available and locked together). Reported when found and when it changes, never corrected: the trader or operator
/// finds out why (a deposit or withdrawal made at the exchange, a fill missed) and acts.
public struct BalanceDifference: Sendable, Equatable, Encodable {
    public var accountID: UUID
    public var asset: String
    public var venueAmount: Decimal
    public var ledgerAmount: Decimal

    public var difference: Decimal { venueAmount - ledgerAmount }

    enum CodingKeys: String, CodingKey {
        case accountID = "accountId"
        case asset, venueAmount, ledgerAmount, difference
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(accountID.uuidString.lowercased(), forKey: .accountID)
        try container.encode(asset, forKey: .asset)
        try container.encode(venueAmount.plainText, forKey: .venueAmount)
        try container.encode(ledgerAmount.plainText, forKey: .ledgerAmount)
        try container.encode(difference.plainText, forKey: .difference)
    }
}
