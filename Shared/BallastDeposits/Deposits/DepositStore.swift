import BallastCore
import BallastPostgres
import BallastTrading
import Foundation
import Logging
import PostgresNIO

/// The deposits table's passes and queries: confirmations from a chain's tip, crediting exactly once, manual retries,
/// the stuck report and statistics. Each pass is set-based (a few statements per thousands of deposits) and writes
/// its events in the same transaction as its change.
public struct DepositStore: Sendable {
    public struct ConfirmationOutcome: Sendable, Equatable {
        public var updated = 0
        public var confirmed = 0

        public init(updated: Int = 0, confirmed: Int = 0) {
            self.updated = updated
            self.confirmed = confirmed
        }
    }

    public struct CreditOutcome: Sendable, Equatable {
        public var credited = 0
        /// Deposits whose user has no trading account: failed with that reason, retried by hand.
        public var failed = 0

        public init(credited: Int = 0, failed: Int = 0) {
            self.credited = credited
            self.failed = failed
        }
    }

    /// Why a retry was refused.
    public enum RetryRefusal: Error, Equatable, Sendable {
        case notFound
        case notFailed(DepositStatus)
    }

    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Sets the confirmations of `chain`'s deposits in blocks to `tip − height + 1`, and confirms those that reach
    /// `required` (or lie at or below the finalized block), each with a `deposit.confirmed` event. The tip is never
    /// above the scanner's cursor as it stands in this transaction. Deposits above the tip are left as they are.
    public func updateConfirmations(
        chain: String, tip reported: ChainTip, required: Int, fence: Fence = { _ in }
    ) async throws -> ConfirmationOutcome {
        try await database.transaction(logger: logger) { connection in
            try await fence(connection)
            // The scanned height as it is now, locked against a scan moving it until this pass commits: one read
            // before the transaction could count blocks a rewind has since undone.
            let cursor = try await connection.query(
                "SELECT height FROM chain_cursors WHERE chain = \(chain) FOR SHARE", logger: logger)
            var height = reported.height
            for try await scanned in cursor.decode(Int64.self) { height = min(height, scanned) }
            let tip = ChainTip(height: height)
            let finalized = min(reported.finalizedHeight ?? -1, height)
            let rows = try await connection.query(
                """
                WITH changed AS (
                    UPDATE deposits d
                    SET confirmations = least(\(tip.height) - d.block_height + 1, 2147483647),
                        required_confirmations = \(required),
                        status = CASE WHEN \(tip.height) - d.block_height + 1 >= \(required) OR d.block_height <= \(finalized)
                                      THEN 'confirmed' ELSE 'confirming' END,
                        confirmed_at = CASE WHEN \(tip.height) - d.block_height + 1 >= \(required) OR d.block_height <= \(finalized)
                                            THEN now() END,
                        updated_at = now()
                    WHERE d.chain = \(chain) AND d.status = 'confirming' AND d.block_height <= \(tip.height)
                      AND (d.confirmations <> least(\(tip.height) - d.block_height + 1, 2147483647)
                           OR d.required_confirmations <> \(required) OR \(tip.height) - d.block_height + 1 >= \(required)
                           OR d.block_height <= \(finalized))
                    RETURNING d.*
                )
                SELECT count(*), count(*) FILTER (WHERE status = 'confirmed'),
                       enqueue_deposit_events(\(DepositEvent.confirmed), array_agg(ROW(c.*)::deposits) FILTER (WHERE c.status = 'confirmed'))
                FROM changed c
                """,
                logger: logger)
            var outcome = ConfirmationOutcome()
            for try await (updated, confirmed, _) in rows.decode((Int, Int, Int).self) {
                outcome = ConfirmationOutcome(updated: updated, confirmed: confirmed)
            }
            return outcome
        }
    }

    /// Credits up to `limit` confirmed deposits, oldest confirmation first: in one transaction each becomes `credited`,
    /// its amount is posted to its user's trading account (`DepositPosting`) and `deposit.credited` is queued. Rows are
    /// claimed `FOR UPDATE SKIP LOCKED` and changed only from `confirmed`, so instances crediting at once share the
    /// work and a crash at any point leaves each deposit either credited with its entry or still confirmed.
    public func creditConfirmed(limit: Int = 2_000, fence: Fence = { _ in }) async throws -> CreditOutcome {
        try await database.transaction(logger: logger) { connection in
            try await fence(connection)
            let rows = try await connection.query(
                """
                SELECT d.id, d.asset, d.amount::text, a.id, d.ctid::text
                FROM deposits d
                LEFT JOIN paper_accounts a ON a.user_id = d.user_id AND a.portfolio_id IS NULL AND a.experiment_id IS NULL
                WHERE d.status = 'confirmed'
                ORDER BY d.confirmed_at, d.id
                LIMIT \(limit)
                FOR UPDATE OF d SKIP LOCKED
                """,
                logger: logger)
            var postings: [DepositPosting] = []
            // Where each claimed row is: locked by this transaction, it cannot move, and updating by it spares a join
            // of thousands of ids against the whole table.
            var locations: [String] = []
            var withoutAccount: [UUID] = []
            for try await (id, asset, amountText, account, location) in rows.decode((UUID, String, String, UUID?, String).self) {
                guard let account else {
                    withoutAccount.append(id)
                    continue
                }
                guard let amount = ExactDecimal.parse(amountText) else { throw DepositAmountError(deposit: id, amount: amountText) }
                postings.append(DepositPosting(depositID: id, accountID: account, asset: asset, amount: amount))
                locations.append(location)
            }
            guard !postings.isEmpty || !withoutAccount.isEmpty else { return CreditOutcome() }
            try await DepositPosting.post(postings, on: connection, logger: logger)
            let marked = try await connection.query(
                """
                WITH credited AS (
                    UPDATE deposits d
                    SET status = 'credited', account_id = c.account_id, credited_at = now(), updated_at = now(), reason = NULL
                    FROM unnest(\(postings.map(\.depositID))::uuid[], \(postings.map(\.accountID))::uuid[], \(locations)::text[]::tid[])
                        AS c(id, account_id, location)
                    WHERE d.ctid = c.location AND d.id = c.id AND d.status = 'confirmed'
                    RETURNING d.*
                ), failed AS (
                    UPDATE deposits d
                    SET status = 'failed', updated_at = now(),
                        reason = 'the user has no trading account to credit: create one (ballast account create), then retry'
                    WHERE d.id = ANY(\(withoutAccount)) AND d.status = 'confirmed'
                    RETURNING d.*
                )
                SELECT (SELECT count(*) FROM credited),
                       enqueue_deposit_events(\(DepositEvent.credited), (SELECT array_agg(ROW(c.*)::deposits ORDER BY c.confirmed_at, c.id) FROM credited c)),
                       enqueue_deposit_events(\(DepositEvent.failed), (SELECT array_agg(ROW(f.*)::deposits) FROM failed f))
                """,
                logger: logger)
            var markedCount = 0
            for try await (count, _, _) in marked.decode((Int, Int, Int).self) { markedCount = count }
            // Rows claimed and locked in this transaction are all still `confirmed`; anything else would leave a ledger
            // entry beside a deposit the next pass credits again.
            guard markedCount == postings.count else {
                throw DepositCreditMismatch(posted: postings.count, marked: markedCount)
            }
            return CreditOutcome(credited: postings.count, failed: withoutAccount.count)
        }
    }

    /// Sends a failed deposit back to where its chain data puts it: `confirmed` (credited on the next pass),
    /// `confirming`, or `pending` when a reorganisation left it out of the chain. `user` nil: any user's (an operator).
    public func retry(_ id: UUID, user: UUID?) async throws -> Result<DepositView, RetryRefusal> {
        try await database.transaction(logger: logger) { connection in
            let current = try await connection.query(
                "SELECT status, user_id FROM deposits WHERE id = \(id) FOR UPDATE", logger: logger)
            var found: (String, UUID)?
            for try await row in current.decode((String, UUID).self) { found = row }
            guard let (statusText, owner) = found, user == nil || user == owner else { return .failure(.notFound) }
            guard statusText == DepositStatus.failed.rawValue else {
                return .failure(.notFailed(DepositStatus(rawValue: statusText) ?? .failed))
            }
            let rows = try await connection.query(
                """
                UPDATE deposits
                SET status = CASE WHEN block_hash IS NULL THEN 'pending'
                                  WHEN confirmations >= required_confirmations THEN 'confirmed' ELSE 'confirming' END,
                    confirmed_at = CASE WHEN block_hash IS NOT NULL AND confirmations >= required_confirmations
                                        THEN now() END,
                    reason = NULL, updated_at = now()
                WHERE id = \(id)
                RETURNING deposit_json(deposits)::text
                """,
                logger: logger)
            for try await json in rows.decode(String.self) { return .success(try DepositView(json: json)) }
            return .failure(.notFound)
        }
    }

    /// Deposits neither credited nor failed `age` after they were seen, not reported before: each gets one
    /// `deposit.stuck` event. Returns them, and how many are stuck in all (reported before or not).
    public func reportStuck(olderThan age: Duration, now: Date = Date()) async throws -> (newlyReported: [DepositView], stuck: Int) {
        let cutoff = now.addingTimeInterval(-age.inSeconds)
        return try await database.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                WITH reported AS (
                    UPDATE deposits SET stuck_reported_at = now()
                    WHERE status IN ('pending', 'confirming', 'confirmed') AND detected_at < \(cutoff) AND stuck_reported_at IS NULL
                    RETURNING *
                ), events AS (
                    SELECT enqueue_deposit_events(\(DepositEvent.stuck), array_agg(ROW(r.*)::deposits)) FROM reported r
                )
                SELECT deposit_json(ROW(r.*)::deposits)::text FROM reported r, events
                """,
                logger: logger)
            var reported: [DepositView] = []
            for try await json in rows.decode(String.self) { reported.append(try DepositView(json: json)) }
            let count = try await connection.query(
                """
                SELECT count(*) FROM deposits
                WHERE status IN ('pending', 'confirming', 'confirmed') AND detected_at < \(cutoff)
                """,
                logger: logger)
            var stuck = 0
            for try await value in count.decode(Int.self) { stuck = value }
            return (reported, stuck)
        }
    }

    public func deposit(_ id: UUID, user: UUID?) async throws -> DepositView? {
        let rows = try await database.query(
            "SELECT deposit_json(d)::text FROM deposits d WHERE d.id = \(id) AND (\(user)::uuid IS NULL OR d.user_id = \(user))",
            logger: logger)
        for try await json in rows.decode(String.self) { return try DepositView(json: json) }
        return nil
    }

    /// A page of a user's deposits (nil: everyone's), newest first, filtered by status and chain, after `cursor`. The
    /// cursor keeps the stored time to the microsecond (the JSON's `detectedAt` has milliseconds), so no deposit
    /// falls between two pages.
    public func list(
        user: UUID?, status: DepositStatus? = nil, chain: String? = nil, after cursor: PageCursor? = nil, limit: Int = 100
    ) async throws -> Page<DepositView> {
        let rows = try await database.query(
            """
            SELECT deposit_json(d)::text, d.detected_at, d.id FROM deposits d
            WHERE (\(user)::uuid IS NULL OR d.user_id = \(user))
              AND (\(status?.rawValue)::text IS NULL OR d.status = \(status?.rawValue))
              AND (\(chain)::text IS NULL OR d.chain = \(chain))
              AND (\(cursor?.date)::timestamptz IS NULL OR (d.detected_at, d.id) < (\(cursor?.date), \(cursor?.id)))
            ORDER BY d.detected_at DESC, d.id DESC
            LIMIT \(limit + 1)
            """,
            logger: logger)
        var deposits: [(DepositView, PageCursor)] = []
        for try await (json, detectedAt, id) in rows.decode((String, Date, UUID).self) {
            deposits.append((try DepositView(json: json), PageCursor(date: detectedAt, id: id)))
        }
        return Page(deposits, limit: limit)
    }

    /// Counts and sums per chain, asset and status (`user` nil: everyone's), and how many are stuck past `stuckAfter`.
    public func statistics(user: UUID?, stuckAfter: Duration = .seconds(86_400), now: Date = Date()) async throws -> DepositStatistics {
        let cutoff = now.addingTimeInterval(-stuckAfter.inSeconds)
        let rows = try await database.query(
            """
            SELECT chain, asset, status, count(*), trim_scale(sum(amount))::text,
                   count(*) FILTER (WHERE status IN ('pending', 'confirming', 'confirmed') AND detected_at < \(cutoff))
            FROM deposits
            WHERE \(user)::uuid IS NULL OR user_id = \(user)
            GROUP BY chain, asset, status
            ORDER BY chain, asset, status
            """,
            logger: logger)
        var statistics = DepositStatistics()
        for try await (chain, asset, status, count, total, stuck) in rows.decode((String, String, String, Int, String, Int).self) {
            statistics.add(chain: chain, asset: asset, status: DepositStatus(rawValue: status) ?? .pending, count: count, total: total)
            statistics.stuck += stuck
        }
        return statistics
    }
}
