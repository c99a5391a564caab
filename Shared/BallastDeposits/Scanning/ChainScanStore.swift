import BallastCore
import BallastPostgres
import BallastTrading
import Foundation
import Logging
import PostgresNIO

/// What a chain's scanner keeps: its cursor, the recent block hashes, and the deposits it finds. Every write moves the
/// cursor with a compare-and-set on the height and hash it started from, in the same transaction as the deposits, so a
/// block is recorded once even if two scanners raced.
public struct ChainScanStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public func cursor(chain: String) async throws -> ChainCursor? {
        let rows = try await database.query("SELECT height, hash FROM chain_cursors WHERE chain = \(chain)", logger: logger)
        for try await (height, hash) in rows.decode((Int64, String).self) { return ChainCursor(height: height, hash: hash) }
        return nil
    }

    /// Places a new chain's cursor (a cursor already there stays) and returns the cursor in force.
    public func start(chain: String, at cursor: ChainCursor) async throws -> ChainCursor {
        try await database.transaction(logger: logger) { connection in
            try await connection.query(
                """
                INSERT INTO chain_cursors (chain, height, hash) VALUES (\(chain), \(cursor.height), \(cursor.hash))
                ON CONFLICT (chain) DO NOTHING
                """,
                logger: logger)
            if cursor.height >= 0 {
                try await connection.query(
                    """
                    INSERT INTO chain_blocks (chain, height, hash, parent_hash) VALUES (\(chain), \(cursor.height), \(cursor.hash), '')
                    ON CONFLICT (chain, height) DO NOTHING
                    """,
                    logger: logger)
            }
        }
        return try await self.cursor(chain: chain) ?? cursor
    }

    /// How far each deposit on `chain` is confirmed: the scanned block (not the node's tip, which may lead blocks not
    /// checked yet), and the node's finalized block where it is at or below it. Nil before the first scan.
    public func confirmedThrough(chain: String) async throws -> ChainTip? {
        let rows = try await database.query(
            "SELECT height, CASE WHEN finalized_height IS NOT NULL THEN least(finalized_height, height) END FROM chain_cursors WHERE chain = \(chain)",
            logger: logger)
        for try await (height, finalized) in rows.decode((Int64, Int64?).self) {
            return ChainTip(height: height, finalizedHeight: finalized)
        }
        return nil
    }

    /// Remembers what the node said its tip was (the API's and metrics' view of each chain).
    public func recordTip(chain: String, tip: ChainTip) async throws {
        try await database.query(
            """
            UPDATE chain_cursors SET tip_height = \(tip.height), finalized_height = \(tip.finalizedHeight), updated_at = now()
            WHERE chain = \(chain)
            """,
            logger: logger)
    }

    /// The stored hashes of blocks `from...through`.
    public func storedHashes(chain: String, from: Int64, through: Int64) async throws -> [Int64: String] {
        let rows = try await database.query(
            "SELECT height, hash FROM chain_blocks WHERE chain = \(chain) AND height BETWEEN \(from) AND \(through)", logger: logger)
        var hashes: [Int64: String] = [:]
        for try await (height, hash) in rows.decode((Int64, String).self) { hashes[height] = hash }
        return hashes
    }

    /// Records `block`, which follows `cursor`: moves the cursor to it, keeps its hash (dropping those older than the
    /// window), and stores each payment to an assigned address as a `confirming` deposit with `deposit.detected`. A
    /// payment already known because a reorganisation took it out of the chain is the same deposit, back in a block.
    /// Returns the deposits detected.
    public func record(_ block: ScannedBlock, after cursor: ChainCursor, chain: ChainSettings, fence: Fence) async throws -> Int {
        try await database.transaction(logger: logger) { connection in
            try await fence(connection)
            try await moveCursor(chain.name, from: cursor, to: ChainCursor(height: block.height, hash: block.hash), on: connection)
            try await connection.query(
                """
                WITH kept AS (
                    INSERT INTO chain_blocks (chain, height, hash, parent_hash)
                    VALUES (\(chain.name), \(block.height), \(block.hash), \(block.parentHash))
                    ON CONFLICT (chain, height) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash
                )
                DELETE FROM chain_blocks WHERE chain = \(chain.name) AND height <= \(block.height - Int64(chain.reorgWindow))
                """,
                logger: logger)
            guard !block.payments.isEmpty else { return 0 }
            let payments = block.payments
            let rows = try await connection.query(
                """
                WITH owned AS (
                    SELECT DISTINCT ON (p.txid, p.contract, p.output_index) p.*, a.user_id
                    FROM unnest(\(payments.map(\.txid))::text[], \(payments.map(\.contract))::text[], \(payments.map(\.outputIndex))::int4[],
                                \(payments.map(\.address))::text[], \(payments.map(\.asset))::text[],
                                \(payments.map { "\($0.amount)" })::text[]) AS p(txid, contract, output_index, address, asset, amount)
                    JOIN deposit_addresses a ON a.chain = \(chain.name) AND a.address = p.address AND a.user_id IS NOT NULL
                    ORDER BY p.txid, p.contract, p.output_index
                ), detected AS (
                    INSERT INTO deposits AS d (
                        id, chain, txid, contract, output_index, user_id, address, asset, amount, block_height, block_hash, confirmations,
                        required_confirmations, status)
                    SELECT gen_random_uuid(), \(chain.name), txid, contract, output_index, user_id, address, asset, amount::numeric,
                           \(block.height), \(block.hash), 1, \(chain.confirmations), 'confirming'
                    FROM owned
                    ON CONFLICT (chain, txid, contract, output_index) DO UPDATE
                    SET block_height = excluded.block_height, block_hash = excluded.block_hash, confirmations = 1,
                        status = 'confirming', reason = NULL, orphaned_at_height = NULL, confirmed_at = NULL, updated_at = now()
                    WHERE d.block_hash IS NULL
                    RETURNING d.*
                )
                SELECT enqueue_deposit_events(\(DepositEvent.detected), array_agg(ROW(d.*)::deposits ORDER BY d.txid, d.output_index))
                FROM detected d
                """,
                logger: logger)
            var detected = 0
            for try await count in rows.decode(Int.self) { detected = count }
            return detected
        }
    }

    /// Undoes the blocks above `fork` after a reorganisation replaced them: the cursor goes back to the fork, their hashes
    /// are dropped, their deposits leave the chain (`pending` until mined again), and a credit already made is reversed
    /// with a compensating ledger entry (`reversal`) and `deposit.reversed`, in one transaction.
    public func rewind(
        chain: ChainSettings, from cursor: ChainCursor, to fork: ChainCursor, fence: Fence
    ) async throws -> ChainReorganisation {
        let depth = Int(cursor.height - fork.height)
        return try await database.transaction(logger: logger) { connection in
            try await fence(connection)
            try await moveCursor(chain.name, from: cursor, to: fork, on: connection)
            try await connection.query("DELETE FROM chain_blocks WHERE chain = \(chain.name) AND height > \(fork.height)", logger: logger)
            // Every affected row is locked before anything is decided: a credit pass that claimed one of them commits
            // first, and the reversal is decided from the status it left.
            let affected = try await connection.query(
                """
                SELECT id, status, account_id, asset, amount::text FROM deposits
                WHERE chain = \(chain.name) AND block_height > \(fork.height)
                ORDER BY id FOR UPDATE
                """,
                logger: logger)
            var reversals: [DepositPosting] = []
            for try await (id, status, account, asset, amountText) in affected.decode((UUID, String, UUID?, String, String).self) {
                guard status == DepositStatus.credited.rawValue, let account else { continue }
                guard let amount = ExactDecimal.parse(amountText) else { throw DepositAmountError(deposit: id, amount: amountText) }
                reversals.append(DepositPosting(depositID: id, accountID: account, asset: asset, amount: amount, reversal: true))
            }
            try await DepositPosting.post(reversals, on: connection, logger: logger)
            let rows = try await connection.query(
                """
                WITH orphaned AS (
                    UPDATE deposits d
                    SET status = CASE d.status WHEN 'credited' THEN 'reversed' WHEN 'failed' THEN 'failed' ELSE 'pending' END,
                        reason = CASE d.status
                            WHEN 'credited' THEN 'credited, then block ' || d.block_height || ' (' || d.block_hash
                                || ') was replaced in a reorganisation ' || \(depth) || ' blocks deep: the credit was reversed'
                            WHEN 'failed' THEN d.reason
                            ELSE 'block ' || d.block_height || ' was replaced in a reorganisation; waiting to be mined again' END,
                        block_height = NULL, block_hash = NULL, confirmations = 0, orphaned_at_height = \(fork.height + 1),
                        updated_at = now()
                    WHERE d.chain = \(chain.name) AND d.block_height > \(fork.height)
                    RETURNING d.*
                )
                SELECT count(*) FILTER (WHERE o.status <> 'reversed'),
                       enqueue_deposit_events(\(DepositEvent.reversed), array_agg(ROW(o.*)::deposits) FILTER (WHERE o.status = 'reversed')),
                       coalesce(json_agg(deposit_json(ROW(o.*)::deposits)) FILTER (WHERE o.status = 'reversed'), '[]')::text
                FROM orphaned o
                """,
                logger: logger)
            var orphaned = 0
            var reversed: [DepositView] = []
            for try await (count, _, json) in rows.decode((Int, Int, String).self) {
                orphaned = count
                reversed = try JSONCoding.decoder.decode([DepositView].self, from: Data(json.utf8))
            }
            return ChainReorganisation(
                chain: chain.name, forkHeight: fork.height, depth: depth, orphaned: orphaned, reversed: reversed,
                deeperThanConfirmations: depth >= chain.confirmations || !reversed.isEmpty)
        }
    }

    /// Fails the deposits a reorganisation took out of the chain that were not mined again within as many blocks as they
    /// need confirmations, by `height` (the scanner has caught up with the node), each with `deposit.failed`. One mined
    /// later still comes back by itself (`record`).
    public func failOrphans(chain: String, scannedThrough height: Int64, fence: Fence) async throws -> Int {
        try await database.transaction(logger: logger) { connection in
            try await fence(connection)
            let rows = try await connection.query(
                """
                WITH failed AS (
                    UPDATE deposits
                    SET status = 'failed', updated_at = now(),
                        reason = 'taken out of the chain by a reorganisation at height ' || orphaned_at_height
                            || ' and not mined again by height ' || \(height)
                    WHERE chain = \(chain) AND status = 'pending' AND block_hash IS NULL
                      AND orphaned_at_height + required_confirmations <= \(height)
                    RETURNING *
                )
                SELECT enqueue_deposit_events(\(DepositEvent.failed), array_agg(ROW(f.*)::deposits)) FROM failed f
                """,
                logger: logger)
            var failed = 0
            for try await count in rows.decode(Int.self) { failed = count }
            return failed
        }
    }

    private func moveCursor(_ chain: String, from: ChainCursor, to: ChainCursor, on connection: PostgresConnection) async throws {
        let rows = try await connection.query(
            """
            UPDATE chain_cursors SET height = \(to.height), hash = \(to.hash), updated_at = now()
            WHERE chain = \(chain) AND height = \(from.height) AND hash = \(from.hash)
            RETURNING 1
            """,
            logger: logger)
        var moved = false
        for try await _ in rows.decode(Int.self) { moved = true }
        guard moved else { throw ChainScanError.cursorMoved(chain: chain) }
    }
}
