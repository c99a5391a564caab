import BallastCore
import BallastDeposits
import BallastPostgres
import BallastTrading
import Foundation
import Logging
import PostgresNIO

/// The two set-based passes of `DepositStore` over DEPOSITS confirming Bitcoin deposits (required confirmations 6,
/// spread over BLOCKS blocks) of USERS users, each user with a trading account:
///   1. `updateConfirmations` with a tip that confirms every one of them (a `deposit.confirmed` event each);
///   2. `creditConfirmed(limit: CREDIT_BATCH)` until nothing is left (one instance): every deposit credited, a ledger
///      entry each, the balances summed, a `deposit.credited` event each.
/// Baselines in the same run, on copies of the tables (same rows, same indexes): for pass 1 the same row change as a
/// plain `UPDATE` without events; for pass 2 a plain `INSERT … SELECT` of the ledger rows, and the credit's whole row
/// change (deposits, ledger, balances) in one plain statement without events. CPU per deposit of this process and of
/// PostgreSQL from /proc. After pass 2 the ledger, the balances and the outbox are checked; a mismatch throws.
func runDepositsBenchmark(databaseURL: String, environment: [String: String]) async throws {
    let deposits = Int(environment["BENCH_DEPOSITS"] ?? "") ?? 100_000
    let users = Int(environment["BENCH_USERS"] ?? "") ?? 10_000
    let blocks = Int(environment["BENCH_BLOCKS"] ?? "") ?? 1_000
    let creditBatch = Int(environment["BENCH_CREDIT_BATCH"] ?? "") ?? 2_000
    let postmaster = environment["BENCH_POSTGRES_PID"].flatMap { Int($0) }
    let firstBlock: Int64 = 800_000
    // The last block's deposits reach exactly 6 confirmations at this tip; every other one more.
    let tip = ChainTip(height: firstBlock + Int64(blocks) - 1 + 5)
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    let endpoint = try PostgresEndpoint(url: databaseURL, variable: "BENCH_DATABASE_URL")
    let database = Database.makeClient(endpoint, maxConnections: 4, logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await database.run() }
        defer { group.cancelAll() }
        try await Migrator(client: database, logger: logger).migrate()
        let bench = Bench(database: database, logger: logger)
        guard try await bench.count("SELECT count(*) FROM deposits") == 0 else {
            throw BenchFailure("the database already holds deposits: run against a throwaway one (scripts/bench/deposits)")
        }
        let seedStart = ContinuousClock.now
        try await bench.seed(users: users, deposits: deposits, blocks: blocks, firstBlock: firstBlock)
        try await bench.makeCopies()
        print(
            String(
                format: "seeded %d users with a trading account each, %d confirming deposits over %d blocks, in %.1f s", users, deposits,
                blocks, (ContinuousClock.now - seedStart).inSeconds))
        let outboxBefore = try await bench.count("SELECT count(*) FROM outbox")
        try await bench.vacuum(["users", "paper_accounts", "deposits", "bench_deposits", "outbox", "ledger_entries", "balances"])

        // Pass 1 and its baseline.
        let updateBaseline = try await measured(postmaster: postmaster) {
            try await bench.execute(
                """
                UPDATE bench_deposits d
                SET confirmations = least(\(tip.height) - d.block_height + 1, 2147483647), required_confirmations = 6,
                    status = 'confirmed', confirmed_at = now(), updated_at = now()
                WHERE d.chain = 'bitcoin' AND d.status = 'confirming' AND d.block_height <= \(tip.height)
                """)
        }
        let store = DepositStore(database: database, logger: logger)
        let confirmation = try await measured(postmaster: postmaster) {
            try await store.updateConfirmations(chain: "bitcoin", tip: tip, required: 6)
        }
        guard confirmation.value.updated == deposits, confirmation.value.confirmed == deposits else {
            throw BenchFailure(
                "the confirmation pass confirmed \(confirmation.value.confirmed) of \(deposits) (updated \(confirmation.value.updated))")
        }
        // Pass 1's dead row versions are vacuumed first, so that pass 2 is not charged with autovacuum's work for it.
        try await bench.vacuum(["deposits", "bench_deposits", "outbox"])

        // Pass 2 and its baselines.
        let insertBaseline = try await measured(postmaster: postmaster) {
            try await bench.execute(
                """
                INSERT INTO bench_ledger (account_id, asset, bucket, amount, kind, deposit_id)
                SELECT a.id, d.asset, 'available', d.amount, 'deposit', d.id
                FROM bench_deposits d JOIN paper_accounts a ON a.user_id = d.user_id AND a.portfolio_id IS NULL
                """)
        }
        try await bench.execute("TRUNCATE bench_ledger")
        try await bench.vacuum(["bench_ledger"])
        let creditFloor = try await measured(postmaster: postmaster) {
            try await bench.execute(
                """
                WITH credited AS (
                    UPDATE bench_deposits d
                    SET status = 'credited', account_id = a.id, credited_at = now(), updated_at = now(), reason = NULL
                    FROM paper_accounts a
                    WHERE a.user_id = d.user_id AND a.portfolio_id IS NULL AND d.status = 'confirmed'
                    RETURNING d.id, d.account_id, d.asset, d.amount
                ), ledger AS (
                    INSERT INTO bench_ledger (account_id, asset, bucket, amount, kind, deposit_id)
                    SELECT account_id, asset, 'available', amount, 'deposit', id FROM credited
                )
                INSERT INTO bench_balances AS b (account_id, asset, available)
                SELECT account_id, asset, sum(amount) FROM credited GROUP BY account_id, asset
                ON CONFLICT (account_id, asset) DO UPDATE SET available = b.available + excluded.available, updated_at = now()
                """)
        }
        var batches: [Duration] = []
        let credit = try await measured(postmaster: postmaster) {
            var total = (credited: 0, failed: 0)
            while true {
                let start = ContinuousClock.now
                let outcome = try await store.creditConfirmed(limit: creditBatch)
                if outcome.credited + outcome.failed == 0 { break }
                batches.append(ContinuousClock.now - start)
                total.credited += outcome.credited
                total.failed += outcome.failed
            }
            return total
        }
        guard credit.value.credited == deposits, credit.value.failed == 0 else {
            throw BenchFailure("the credit passes credited \(credit.value.credited) of \(deposits), failed \(credit.value.failed)")
        }
        let total = try await bench.verify(deposits: deposits, outboxBefore: outboxBefore)

        let cpu = { (sample: CPUSample) in
            String(format: "%.1f / %.1f µs", Double(sample.benchmark) / Double(deposits), Double(sample.postgres) / Double(deposits))
        }
        let seconds = { (duration: Duration) in String(format: "%.3f s", duration.inSeconds) }
        let ratio = { (pass: Duration, baseline: Duration) in String(format: "%.1f ×", pass.inSeconds / baseline.inSeconds) }
        let sorted = batches.sorted()
        let n = deposits.formatted()
        print(
            """

            checked: \(n) deposits credited once, \(n) ledger entries naming them, balances per account = their deposits \
            (sum \(total) BTC), \(n) deposit.confirmed and \(n) deposit.credited events, nothing else in the outbox

            | figure | value | target | baseline (same run, same rows, copies of the tables) |
            |---|---|---|---|
            | confirmation pass: \(n) deposits confirmed, an event each | **\(seconds(confirmation.elapsed))** \
            (\(ratio(confirmation.elapsed, updateBaseline.elapsed))) | < 2 s | plain `UPDATE` of the same row change, no events: \
            \(seconds(updateBaseline.elapsed)) |
            | CPU per deposit, benchmark / PostgreSQL | \(cpu(confirmation.cpu)) | - | \(cpu(updateBaseline.cpu)) |
            | credit pass: \(n) deposits in \(batches.count) batches of \(creditBatch) | **\(seconds(credit.elapsed))** \
            (\(ratio(credit.elapsed, insertBaseline.elapsed)) the insert, \(ratio(credit.elapsed, creditFloor.elapsed)) the \
            statement) | < 5 s | plain `INSERT … SELECT` of \(n) ledger rows: \(seconds(insertBaseline.elapsed)); the \
            credit's row changes (deposits, ledger, balances) in one statement, no events: \(seconds(creditFloor.elapsed)) |
            | CPU per deposit, benchmark / PostgreSQL | \(cpu(credit.cpu)) | - | insert \(cpu(insertBaseline.cpu)); \
            statement \(cpu(creditFloor.cpu)) |
            | credit batch: fastest / median / slowest | \(seconds(sorted.first ?? .zero)) / \(seconds(sorted.isEmpty ? .zero : sorted[sorted.count / 2])) \
            / \(seconds(sorted.last ?? .zero)) | - | first \(seconds(batches.first ?? .zero)), last \(seconds(batches.last ?? .zero)) |
            """)
        for (name, elapsed, target) in [("confirmation pass", confirmation.elapsed, 2), ("credit pass", credit.elapsed, 5)]
        where elapsed >= .seconds(target) {
            print("MISSED: the \(name) took \(seconds(elapsed)), target < \(target) s")
        }
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The benchmark's own statements: seeding, copies, vacuum, counts and the final check.
struct Bench {
    let database: PostgresClient
    let logger: Logger

    func execute(_ query: PostgresQuery) async throws {
        try await database.query(query, logger: logger)
    }

    func count(_ query: PostgresQuery) async throws -> Int {
        for try await value in try await database.query(query, logger: logger).decode(Int.self) { return value }
        throw BenchFailure("no row from \(query.sql)")
    }

    func vacuum(_ tables: [String]) async throws {
        for table in tables { try await execute(PostgresQuery(unsafeSQL: "VACUUM ANALYZE \(table)")) }
    }

    /// Users `bench-1…`, each with a trading account (no portfolio); deposits `1…` round-robin over the users, each in
    /// block `firstBlock + g % blocks` with one confirmation, amounts from 0.00000001 to 1 BTC.
    func seed(users: Int, deposits: Int, blocks: Int, firstBlock: Int64) async throws {
        try await execute(
            """
            INSERT INTO users (id, name) SELECT md5('bench-user-' || g)::uuid, 'bench-' || g FROM generate_series(1, \(users)) g
            """)
        try await execute(
            """
            INSERT INTO paper_accounts (id, user_id, portfolio_id, quote_currency)
            SELECT md5('bench-account-' || g)::uuid, md5('bench-user-' || g)::uuid, NULL, 'USD' FROM generate_series(1, \(users)) g
            """)
        try await execute(
            """
            INSERT INTO deposits (id, chain, txid, output_index, user_id, address, asset, amount, block_height, block_hash,
                confirmations, required_confirmations, status, detected_at)
            SELECT md5('bench-deposit-' || g)::uuid, 'bitcoin', md5('bench-tx-' || g), 0,
                md5('bench-user-' || (1 + g % \(users)))::uuid, 'bcrt1q' || md5('bench-address-' || (1 + g % \(users))), 'BTC',
                round(((hashint4(g::int4) & 2147483647) % 100000000 + 1)::numeric / 100000000, 8),
                \(firstBlock) + g % \(blocks), md5('bench-block-' || (\(firstBlock) + g % \(blocks))), 1, 6, 'confirming',
                now() - interval '1 hour' + g * interval '1 millisecond'
            FROM generate_series(1, \(deposits)) g
            """)
    }

    /// Copies of deposits, ledger entries and balances with the same columns, indexes, constraints and foreign key
    /// to the accounts, for the baselines; the deposits copied as seeded.
    func makeCopies() async throws {
        try await execute("CREATE TABLE bench_deposits (LIKE deposits INCLUDING ALL)")
        try await execute("INSERT INTO bench_deposits SELECT * FROM deposits")
        try await execute(
            "CREATE TABLE bench_ledger (LIKE ledger_entries INCLUDING ALL, FOREIGN KEY (account_id) REFERENCES paper_accounts (id))")
        try await execute(
            "CREATE TABLE bench_balances (LIKE balances INCLUDING ALL, FOREIGN KEY (account_id) REFERENCES paper_accounts (id))")
    }

    /// Every deposit credited once to its user's trading account with one ledger entry of its amount, each account's
    /// balance the sum of its deposits, one `deposit.confirmed` and one `deposit.credited` event per deposit and no
    /// other new row in the outbox. Returns the sum of the deposits.
    func verify(deposits: Int, outboxBefore: Int) async throws -> String {
        let checks: [(String, PostgresQuery, Int)] = [
            ("deposits credited", "SELECT count(*) FROM deposits WHERE status = 'credited' AND credited_at IS NOT NULL", deposits),
            (
                "deposits credited to their user's trading account",
                """
                SELECT count(*) FROM deposits d
                JOIN paper_accounts a ON a.id = d.account_id AND a.user_id = d.user_id AND a.portfolio_id IS NULL
                """, deposits
            ),
            ("ledger entries naming a deposit", "SELECT count(*) FROM ledger_entries WHERE deposit_id IS NOT NULL", deposits),
            (
                "deposits with a ledger entry", "SELECT count(DISTINCT deposit_id) FROM ledger_entries WHERE deposit_id IS NOT NULL",
                deposits
            ),
            (
                "ledger entries matching their deposit (account, asset, amount, kind)",
                """
                SELECT count(*) FROM ledger_entries l JOIN deposits d ON d.id = l.deposit_id
                WHERE l.account_id = d.account_id AND l.asset = d.asset AND l.amount = d.amount AND l.kind = 'deposit'
                  AND l.bucket = 'available'
                """, deposits
            ),
            (
                "accounts whose balance differs from the sum of their deposits",
                """
                SELECT count(*)
                FROM (SELECT account_id, asset, sum(amount) AS total FROM deposits GROUP BY account_id, asset) d
                FULL JOIN balances b ON b.account_id = d.account_id AND b.asset = d.asset
                WHERE b.available IS DISTINCT FROM d.total OR b.locked <> 0
                """, 0
            ),
            (
                "sum of balances = sum of deposits",
                "SELECT ((SELECT sum(available) FROM balances) = (SELECT sum(amount) FROM deposits))::int", 1
            ),
            ("deposit.confirmed events", "SELECT count(*) FROM outbox WHERE type = 'deposit.confirmed'", deposits),
            ("deposit.credited events", "SELECT count(*) FROM outbox WHERE type = 'deposit.credited'", deposits),
            (
                "deposits with a deposit.credited event",
                "SELECT count(DISTINCT (data::json -> 'data' ->> 'id')) FROM outbox WHERE type = 'deposit.credited'", deposits
            ),
            ("outbox rows", "SELECT count(*) FROM outbox", outboxBefore + 2 * deposits),
        ]
        var failures: [String] = []
        for (name, query, expected) in checks {
            let value = try await count(query)
            if value != expected { failures.append("\(name): \(value), expected \(expected)") }
        }
        guard failures.isEmpty else { throw BenchFailure("check failed: " + failures.joined(separator: "; ")) }
        for try await total in try await database.query("SELECT trim_scale(sum(amount))::text FROM deposits", logger: logger).decode(
            String.self)
        {
            return total
        }
        return "?"
    }
}
