import Foundation
import Logging
import PostgresNIO

/// One ledger line: an amount added to (or, negative, taken from) an asset's available or locked bucket.
public struct LedgerEntry: Sendable, Equatable {
    public enum Bucket: String, Sendable { case available, locked }
    public enum Kind: String, Sendable { case deposit, trade, fee, lock, unlock }

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

/// The append-only ledger and the balances it adds up to, written in the caller's transaction: every change
/// of a balance is a ledger entry, so `balances` can always be rebuilt (and is checked) from `ledger_entries`.
enum Ledger {
    static func post(_ entries: [LedgerEntry], account: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        let entries = entries.filter { $0.amount != 0 }
        guard !entries.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO ledger_entries (account_id, asset, bucket, amount, kind, order_id, fill_id)
            SELECT \(account), asset, bucket, amount, kind, nullif(order_id, '')::uuid, nullif(fill_id, '')::uuid
            FROM unnest(
                \(entries.map(\.asset))::text[], \(entries.map(\.bucket.rawValue))::text[], \(entries.map { "\($0.amount)" })::numeric[],
                \(entries.map(\.kind.rawValue))::text[], \(entries.map { $0.orderID?.uuidString ?? "" })::text[],
                \(entries.map { $0.fillID?.uuidString ?? "" })::text[]
            ) AS e(asset, bucket, amount, kind, order_id, fill_id)
            """,
            logger: logger
        )
        // One row per asset, in asset order (concurrent writers of one account already hold its row lock).
        var sums: [String: (available: Decimal, locked: Decimal)] = [:]
        for entry in entries {
            var sum = sums[entry.asset] ?? (0, 0)
            if entry.bucket == .available { sum.available += entry.amount } else { sum.locked += entry.amount }
            sums[entry.asset] = sum
        }
        let assets = sums.keys.sorted()
        // Two statements, not an upsert: the CHECK on `locked` would judge an upsert's candidate row (the delta
        // alone, negative when a lock is released) before the conflict turns it into an update.
        try await connection.query(
            "INSERT INTO balances (account_id, asset) SELECT \(account), unnest(\(assets)::text[]) ON CONFLICT DO NOTHING",
            logger: logger
        )
        try await connection.query(
            """
            UPDATE balances b SET available = b.available + d.available, locked = b.locked + d.locked, updated_at = now()
            FROM unnest(
                \(assets)::text[], \(assets.map { "\(sums[$0]!.available)" })::numeric[], \(assets.map { "\(sums[$0]!.locked)" })::numeric[]
            ) AS d(asset, available, locked)
            WHERE b.account_id = \(account) AND b.asset = d.asset
            """,
            logger: logger
        )
    }
}
