import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// A blockchain deposit credited to (or, reversed, taken back from) a trading account's available balance.
public struct DepositPosting: Sendable, Equatable {
    public var depositID: UUID
    public var accountID: UUID
    public var asset: String
    /// Positive: what the deposit credits, whichever kind (a reversal takes it away).
    public var amount: Decimal
    public var kind: LedgerEntry.Kind

    public init(depositID: UUID, accountID: UUID, asset: String, amount: Decimal, reversal: Bool = false) {
        self.depositID = depositID
        self.accountID = accountID
        self.asset = asset
        self.amount = amount
        kind = reversal ? .reversal : .deposit
    }

    /// Writes `postings` into the ledger and the balances in the caller's transaction, each account locked first as
    /// trading locks it (by id, in order), so a reversal never slips between a trade's balance check and its write.
    /// A reversal is posted even when the asset was spent meanwhile: the balance goes below zero and says so, rather
    /// than the ledger disagreeing with the chain.
    public static func post(_ postings: [DepositPosting], on connection: PostgresConnection, logger: Logger) async throws {
        guard !postings.isEmpty else { return }
        let accounts = Array(Set(postings.map(\.accountID)))
        try await connection.execute("SELECT 1 FROM paper_accounts WHERE id = ANY(\(accounts)) ORDER BY id FOR UPDATE", logger: logger)
        let amounts = postings.map { "\($0.kind == .reversal ? -$0.amount : $0.amount)" }
        try await connection.query(
            """
            WITH entries AS (
                SELECT * FROM unnest(
                    \(postings.map(\.accountID))::uuid[], \(postings.map(\.asset))::text[], \(amounts)::text[]::numeric[],
                    \(postings.map(\.kind.rawValue))::text[], \(postings.map(\.depositID))::uuid[]
                ) AS e(account_id, asset, amount, kind, deposit_id)
            ), ledger AS (
                INSERT INTO ledger_entries (account_id, asset, bucket, amount, kind, deposit_id)
                SELECT account_id, asset, 'available', amount, kind, deposit_id FROM entries
            )
            INSERT INTO balances AS b (account_id, asset, available)
            SELECT account_id, asset, sum(amount) FROM entries GROUP BY account_id, asset
            ON CONFLICT (account_id, asset) DO UPDATE SET available = b.available + excluded.available, updated_at = now()
            """,
            logger: logger)
    }
}
