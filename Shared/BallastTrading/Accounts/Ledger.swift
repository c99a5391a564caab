import Foundation

/// One ledger line: an amount added to (or, negative, taken from) an asset's available or locked bucket.
public struct LedgerEntry: Sendable, Equatable {
    public enum Bucket: String, Sendable { case available, locked }
    public enum Kind: String, Sendable {
        case deposit, trade, fee, lock, unlock
        /// Takes back a deposit credit that a blockchain reorganisation undid.
        case reversal
    }

    public var asset: String
    public var bucket: Bucket
    public var amount: Decimal
    public var kind: Kind
    public var orderID: UUID?
    public var fillID: UUID?

    public init(asset: String, bucket: Bucket, amount: Decimal, kind: Kind, orderID: UUID? = nil, fillID: UUID? = nil) {
        self.asset = asset
        self.bucket = bucket
        self.amount = amount
        self.kind = kind
        self.orderID = orderID
        self.fillID = fillID
    }

    /// Moves `amount` of `asset` from available to locked (`lock`) or back (`unlock`): two entries.
    static func move(_ amount: Decimal, of asset: String, locking: Bool, orderID: UUID) -> [LedgerEntry] {
        let kind: Kind = locking ? .lock : .unlock
        return [
            LedgerEntry(asset: asset, bucket: .available, amount: locking ? -amount : amount, kind: kind, orderID: orderID),
            LedgerEntry(asset: asset, bucket: .locked, amount: locking ? amount : -amount, kind: kind, orderID: orderID),
        ]
    }
}
