import BallastCore
import BallastDeposits
import Foundation
import Hummingbird

/// A deposit as the API answers it: the keys and forms of `deposit_json` (migration 26), which the `deposit.*` events
/// carry too, so a client reads both with one type. Ids are written in lower case and times as RFC 3339 with
/// milliseconds whatever the response encoder does with `UUID` and `Date`.
struct DepositDocument: ResponseEncodable, Sendable {
    var deposit: DepositView

    init(_ deposit: DepositView) { self.deposit = deposit }

    enum CodingKeys: String, CodingKey {
        case id, chain, txid, contract, outputIndex, address, asset, amount, blockHeight, blockHash, confirmations, requiredConfirmations
        case status, reason, accountId, detectedAt, confirmedAt, creditedAt, updatedAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(deposit.id.uuidString.lowercased(), forKey: .id)
        try container.encode(deposit.chain, forKey: .chain)
        try container.encode(deposit.txid, forKey: .txid)
        try container.encode(deposit.contract, forKey: .contract)
        try container.encode(deposit.outputIndex, forKey: .outputIndex)
        try container.encode(deposit.address, forKey: .address)
        try container.encode(deposit.asset, forKey: .asset)
        try container.encode(deposit.amount, forKey: .amount)
        try container.encode(deposit.blockHeight, forKey: .blockHeight)
        try container.encode(deposit.blockHash, forKey: .blockHash)
        try container.encode(deposit.confirmations, forKey: .confirmations)
        try container.encode(deposit.requiredConfirmations, forKey: .requiredConfirmations)
        try container.encode(deposit.status.rawValue, forKey: .status)
        try container.encode(deposit.reason, forKey: .reason)
        try container.encode(deposit.accountId?.uuidString.lowercased(), forKey: .accountId)
        try container.encode(RFC3339.string(from: deposit.detectedAt), forKey: .detectedAt)
        try container.encode(deposit.confirmedAt.map(RFC3339.string(from:)), forKey: .confirmedAt)
        try container.encode(deposit.creditedAt.map(RFC3339.string(from:)), forKey: .creditedAt)
        try container.encode(RFC3339.string(from: deposit.updatedAt), forKey: .updatedAt)
    }
}

extension DepositStatistics: ResponseEncodable {}
