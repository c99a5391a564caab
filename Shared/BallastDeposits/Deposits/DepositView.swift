import BallastCore
import Foundation

/// A deposit as the API answers it and `deposit.*` events carry it. The JSON is written by SQL (`deposit_json`,
/// migration 26) so that a pass over thousands of deposits writes its events in one statement; this type reads it.
public struct DepositView: Codable, Sendable, Equatable {
    public var id: UUID
    public var chain: String
    public var txid: String
    /// The ERC-20 contract of a token deposit; nil for the chain's own asset.
    public var contract: String?
    public var outputIndex: Int
    public var address: String
    public var asset: String
    /// Exact, as text (`"0.5"`).
    public var amount: String
    public var blockHeight: Int64?
    public var blockHash: String?
    public var confirmations: Int
    public var requiredConfirmations: Int
    public var status: DepositStatus
    public var reason: String?
    public var accountId: UUID?
    public var detectedAt: Date
    public var confirmedAt: Date?
    public var creditedAt: Date?
    public var updatedAt: Date

    /// Reads `deposit_json` text.
    public init(json: String) throws {
        self = try JSONCoding.decoder.decode(DepositView.self, from: Data(json.utf8))
    }
}
