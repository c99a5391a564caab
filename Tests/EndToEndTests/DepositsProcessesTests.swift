import BallastChains
import BallastCore
import BallastDeposits
import BallastRedis
import BallastTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@Suite("deposits processes: two instances, kill -9 while crediting, a reorganisation")
struct DepositsProcessesTests {
    static let userCount = 10
    static let confirmations = 3
    /// Blocks mined with payments in them, one every `blockInterval`.
    static let paidBlocks = 40
    static let paymentsPerBlock = 3
    /// One block carries this many payments: once it is confirmed, crediting it takes many transactions of
    /// `creditBatch`, which is when the first instance is killed.
    static let burstBlock = 6
    static let burstPayments = 40
    static let blockInterval: Duration = .milliseconds(500)
    /// Once this block is mined and scanned, the last two blocks are replaced by a fork that keeps their payments:
    /// fewer than `confirmations` deep, so nothing they held was confirmed yet. Early, before the first kill, so that
    /// no scanner is held up by a killed instance's lock and the scanner has to walk back.
    static let reorgAfterBlock = 4
    static let creditBatch = 3
    static let killEvery: Duration = .seconds(2)
    /// No kill after this: a killed instance's runs hold their jobs until their 30 s lock TTL ends, and the test must
    /// settle well within its deadline after the payments stop.
    static let lastKillBefore: Duration = .seconds(16)
    static let lastTargetedKillBefore: Duration = .seconds(30)
    static let settleDeadline: Duration = .seconds(60)
    static let chain = "bitcoin"

    @Test(
        "payments to ten users while instances are killed -9 (one in the middle of crediting) and a 2-block reorg: each is credited exactly once"
    )
    func killedWhileCrediting() async throws {
        // A database of its own: the deposits services that other tests start would scan and credit these deposits.
        try await withOwnDatabase("deposits_e2e") { url in try await killedWhileCrediting(databaseURL: url) }
    }

    func killedWhileCrediting(databaseURL: String) async throws {
        let environment = try ExecutableTests.environment().merging(["BALLAST_DATABASE_URL": databaseURL]) { _, own in own }
        try await Self.ballast(["migrate"], environment)
        let prefix = "dep-e2e-\(UUID().uuidString.prefix(6).lowercased())"
        let names = (1...Self.userCount).map { "\(prefix)-\($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in names {
                group.addTask {
                    try await Self.ballast(["user", "create", name], environment)
                    try await Self.ballast(["account", "create", name, "--cash", "1000"], environment)
                }
            }
            try await group.waitForAll()
        }
        // Twice the addresses handed out, so that the pool is not reported running low every second.
        let pool = (0..<Self.userCount * 2).map { _ in DepositsCommandTests.address() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-deposits-e2e-\(UUID().uuidString).csv")
        try pool.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        try await Self.ballast(["deposits", "import-addresses", file.path, "--chain", Self.chain], environment)

        // A Redis database of its own: the scheduler's job locks are named by job, and deposits services other tests
        // start on the default one would hold `deposits.credit`. Nothing else uses /9, so what an earlier run left goes.
        let redisURL = (environment["BALLAST_REDIS_URL"] ?? "").trimmingSuffix("/") + "/9"
        let redis = RedisClient(endpoint: try RedisEndpoint(url: redisURL, variable: "BALLAST_REDIS_URL"))
        _ = try await redis.send(RedisCommand("FLUSHDB"))

        try await withDatabase(databaseURL) { database in
            let users = try await Self.depositors(prefix: prefix, in: database)
            let node = BitcoinNodeSimulator()
            try await node.withRunning { url in
                var own = environment
                own["BALLAST_REDIS_URL"] = redisURL
                own["BALLAST_LOG_LEVEL"] = "info"
                own["BALLAST_DATABASE_MAX_CONNECTIONS"] = "4"
                own["BALLAST_CHAINS"] = Self.chain
                own["BALLAST_CHAIN_BITCOIN_URL"] = url
                own["BALLAST_CHAIN_BITCOIN_CONFIRMATIONS"] = String(Self.confirmations)
                own["BALLAST_CHAIN_BITCOIN_START_HEIGHT"] = "0"
                own["BALLAST_CHAIN_BITCOIN_TIMEOUT_SECONDS"] = "5"
                for job in ["SCAN", "CONFIRMATIONS", "CREDIT", "STATS", "STUCK"] {
                    own["BALLAST_DEPOSITS_\(job)_SCHEDULE"] = "* * * * * *"
                }
                own["BALLAST_DEPOSITS_CREDIT_BATCH"] = String(Self.creditBatch)
                let instances = Instances(environment: own)
                do {
                    try await Self.run(users: users, node: node, instances: instances, database: database)
                } catch {
                    await instances.killAll()
                    print("deposits e2e failed: \(error)\n\(await instances.logs())")
                    throw error
                }
            }
        }
    }

    /// Starts two instances, pays and mines while killing them, lets them settle, stops them and checks.
    static func run(users: [Depositor], node: BitcoinNodeSimulator, instances: Instances, database: PostgresClient) async throws {
        for instance in ["d1", "d2"] { try await instances.start(instance) }
        let start = ContinuousClock.now
        async let paid = pay(users, node: node, database: database)
        async let killed = kill(instances: instances, database: database, start: start)
        let result = try await paid
        let (payments, reorg) = (result.payments, result.reorg)
        let kills = try await killed
        let paying = ContinuousClock.now - start

        // Enough blocks for the last payments to be confirmed; then everything must be credited.
        await node.mine(blocks: confirmations)
        let settleStart = ContinuousClock.now
        let settled = await poll(timeout: settleDeadline) {
            let open = try? await count(
                "SELECT count(*) FROM deposits WHERE status <> 'credited'", in: database)
            let all = try? await count("SELECT count(*) FROM deposits", in: database)
            return open == 0 && all == payments.count
        }
        let settling = ContinuousClock.now - settleStart

        var problems = Problems()
        for (instance, process) in await instances.running.sorted(by: { $0.key < $1.key }) {
            process.signal(SIGTERM)
            let status = await process.waitForExit(timeout: .seconds(20))
            problems.expect(status == 0, "deposits \(instance) did not stop on SIGTERM with exit 0 (\(String(describing: status)))")
        }
        problems.expect(settled, "not every deposit was credited \(settleDeadline) after the last payment")
        try await check(payments: payments, users: users, kills: kills, database: database, problems: &problems)
        let logs = await instances.logs()
        let errors = logs.split(separator: "\n").filter { $0.contains("level=error") || $0.contains("level=critical") }
        problems.expect(errors.isEmpty, "error lines in the services' logs:\n\(errors.joined(separator: "\n"))")
        let reorganisations = logs.split(separator: "\n").filter { $0.contains("msg=reorganisation") }
        problems.expect(
            reorganisations.allSatisfy { $0.contains("credits_reversed=0") }, "a reorganisation reversed credits: \(reorganisations)")
        if reorg.scannedHeight >= Int64(reorg.height - 1) {
            problems.expect(
                reorganisations.contains { !$0.contains("deposits_orphaned=0") },
                "the scanner had read the replaced blocks (height \(reorg.scannedHeight)) but logged no reorganisation orphaning deposits")
        }
        // What the killed credit runs had committed before the kill: crediting was cut between its transactions.
        var cut: [String] = []
        for kill in kills {
            guard let run = kill.creditRun else { continue }
            let before = try await count(
                """
                SELECT count(*) FROM deposits d, job_runs r
                WHERE r.id = \(run) AND d.credited_at >= r.started_at
                  AND d.credited_at < coalesce(
                      (SELECT min(n.started_at) FROM job_runs n WHERE n.job = 'deposits.credit' AND n.id > r.id), 'infinity')
                """, in: database)
            cut.append("credit run \(run) had credited \(before) deposits in all when \(kill.instance) was killed")
        }

        let transactions = try await count("SELECT count(DISTINCT credited_at) FROM deposits", in: database)
        print(
            """
            deposits e2e: \(users.count) users, \(payments.count) payments in \(paidBlocks) blocks over \(paying), \
            reorganised \(reorg.depth) blocks at height \(reorg.height) with the scanner at \(reorg.scannedHeight) \
            (\(reorganisations.count) reorganisation lines logged), credited in \(transactions) transactions, \
            settled \(settling) after the last payment; kills: \(kills.map(\.description).joined(separator: "; ")); \
            \(cut.joined(separator: "; "))
            \(reorganisations.joined(separator: "\n"))
            """)
        if !problems.lines.isEmpty {
            Issue.record("\(problems.lines.joined(separator: "\n"))\n\(logs)")
        }
    }

    // MARK: Payments and kills

    struct Payment: Sendable {
        var txid: String
        var user: Int
        var satoshis: Int64
    }

    struct Reorganisation: Sendable {
        var height: Int
        var depth: Int
        var scannedHeight: Int64
    }

    /// Mines `paidBlocks` blocks one every `blockInterval`, each with payments to random users, and replaces the last
    /// two by a fork after `reorgAfterBlock`.
    static func pay(_ users: [Depositor], node: BitcoinNodeSimulator, database: PostgresClient) async throws -> Paid {
        var payments: [Payment] = []
        var reorg = Reorganisation(height: 0, depth: 0, scannedHeight: -1)
        var next = ContinuousClock.now
        for block in 1...paidBlocks {
            for _ in 0..<(block == burstBlock ? burstPayments : paymentsPerBlock) {
                let user = Int.random(in: 0..<users.count)
                let satoshis = Int64.random(in: 1_000...250_000_000)
                payments.append(
                    Payment(txid: await node.pay(address: users[user].address, satoshis: satoshis), user: user, satoshis: satoshis))
            }
            await node.mine()
            if block == reorgAfterBlock {
                // The scanner has read the blocks about to be replaced (it keeps up: no kill yet), so it has to walk back.
                let height = await node.height
                _ = await poll(timeout: .seconds(2)) { ((try? await scannedHeight(database)) ?? -1) >= Int64(height) }
                reorg = Reorganisation(height: height, depth: 2, scannedHeight: (try? await scannedHeight(database)) ?? -1)
                await node.reorganize(depth: 2, keepTransactions: true)
            }
            next += blockInterval
            try await Task.sleep(until: max(next, ContinuousClock.now), clock: .continuous)
        }
        return Paid(payments: payments, reorg: reorg)
    }

    struct Paid: Sendable {
        var payments: [Payment]
        var reorg: Reorganisation
    }

    struct Kill: Sendable, CustomStringConvertible {
        var instance: String
        var after: Duration
        /// The `deposits.credit` run it was killed in, the deposits that run had credited and those still confirmed
        /// when it was last seen before the kill.
        var creditRun: Int64?
        var creditedInRun = 0
        var confirmedWaiting = 0
        /// The run was still unfinished once the instance was dead: the kill landed inside it.
        var landedInRun = false

        var description: String {
            let at = "\(instance) at \(after.wholeMilliseconds) ms"
            guard let creditRun else { return at }
            let finished = landedInRun ? "" : ", but it had finished"
            return "\(at) in credit run \(creditRun) (\(creditedInRun) credited by it, \(confirmedWaiting) still confirmed\(finished))"
        }
    }

    /// Every `killEvery` kills -9 an instance and starts it again: the first time the one seen in the middle of a
    /// `deposits.credit` run (a batch committed, more waiting), then a random one.
    static func kill(instances: Instances, database: PostgresClient, start: ContinuousClock.Instant) async throws -> [Kill] {
        var kills: [Kill] = []
        var next = start + killEvery
        // Past `lastKillBefore` only while the kill inside a credit run has not landed yet or fewer than three kills
        // were made (a loaded machine: the whole suite runs beside this test), and never past `lastTargetedKillBefore`.
        while next - start < lastKillBefore
            || ((!kills.contains(where: \.landedInRun) || kills.count < 3) && next - start < lastTargetedKillBefore)
        {
            try await Task.sleep(until: next, clock: .continuous)
            var target: (instance: String, run: Int64, credited: Int, confirmed: Int)?
            if !kills.contains(where: \.landedInRun) {
                let deadline = start + lastTargetedKillBefore - killEvery * 2
                while target == nil, ContinuousClock.now < deadline {
                    target = try await creditRun(database, among: Set(await instances.running.keys))
                    if target == nil { try await Task.sleep(for: .milliseconds(20)) }
                }
            }
            let instance: String
            if let target {
                instance = target.instance
            } else {
                instance = Bool.random() ? "d1" : "d2"
            }
            await instances.kill(instance)
            var kill = Kill(
                instance: instance, after: ContinuousClock.now - start, creditRun: target?.run, creditedInRun: target?.credited ?? 0,
                confirmedWaiting: target?.confirmed ?? 0)
            if let run = target?.run {
                kill.landedInRun =
                    try await count("SELECT count(*) FROM job_runs WHERE id = \(run) AND finished_at IS NULL", in: database) == 1
            }
            kills.append(kill)
            try await instances.start(instance)
            next = max(next + killEvery, ContinuousClock.now + killEvery / 2)
        }
        return kills
    }

    /// A `deposits.credit` run under way on one of `instances` that has committed a batch (the deposits credited since
    /// it started: no other run credits meanwhile) and has at least two more to go.
    static func creditRun(_ database: PostgresClient, among instances: Set<String>) async throws -> (String, Int64, Int, Int)? {
        let rows = try await database.query(
            """
            SELECT r.instance, r.id, (SELECT count(*) FROM deposits WHERE credited_at >= r.started_at),
                   (SELECT count(*) FROM deposits WHERE status = 'confirmed')
            FROM job_runs r WHERE r.job = 'deposits.credit' AND r.finished_at IS NULL
            """)
        for try await (instance, run, credited, confirmed) in rows.decode((String, Int64, Int, Int).self)
        where instances.contains(instance) && credited >= creditBatch && confirmed >= 2 * creditBatch {
            return (instance, run, credited, confirmed)
        }
        return nil
    }

    static func scannedHeight(_ database: PostgresClient) async throws -> Int64 {
        let rows = try await database.query("SELECT height FROM chain_cursors WHERE chain = \(chain)")
        for try await height in rows.decode(Int64.self) { return height }
        return -1
    }

    // MARK: Checks

    static func check(
        payments: [Payment], users: [Depositor], kills: [Kill], database: PostgresClient, problems: inout Problems
    ) async throws {
        // Each payment is one deposit: its user, amount and output, credited to the user's account.
        var deposits: [(txid: String, output: Int64, user: UUID, satoshis: Int64, status: String, account: UUID?)] = []
        let depositRows = try await database.query(
            """
            SELECT txid, output_index::int8, user_id, (amount * 100000000)::int8, status, account_id
            FROM deposits WHERE chain = \(chain)
            """)
        for try await row in depositRows.decode((String, Int64, UUID, Int64, String, UUID?).self) { deposits.append(row) }
        problems.expect(deposits.count == payments.count, "\(deposits.count) deposits for \(payments.count) payments")
        let distinct = try await count("SELECT count(DISTINCT (chain, txid, output_index)) FROM deposits", in: database)
        problems.expect(distinct == deposits.count, "\(deposits.count) deposits, \(distinct) distinct (chain, txid, output)")
        let byTxid = Dictionary(grouping: deposits, by: \.txid)
        for payment in payments {
            let user = users[payment.user]
            guard let found = byTxid[payment.txid], found.count == 1, let deposit = found.first else {
                problems.expect(false, "payment \(payment.txid) is \(byTxid[payment.txid]?.count ?? 0) deposits")
                continue
            }
            problems.expect(
                deposit.output == 0 && deposit.user == user.id && deposit.satoshis == payment.satoshis && deposit.status == "credited"
                    && deposit.account == user.account,
                "payment \(payment.txid) of \(payment.satoshis) sat to \(user.name) (account \(user.account)) is \(deposit)")
        }
        let paid = Set(payments.map(\.txid))
        problems.expect(
            deposits.allSatisfy { paid.contains($0.txid) }, "deposits of no payment: \(deposits.filter { !paid.contains($0.txid) })")

        // One `deposit` ledger entry per deposit, of its amount into its account, and no reversal (the reorganisation
        // was shallower than the confirmations).
        let wrongEntries = try await rows(
            """
            SELECT d.id::text || ' deposit entries ' || count(l.id) FILTER (WHERE l.kind = 'deposit')
                || ', other entries ' || count(l.id) FILTER (WHERE l.kind <> 'deposit')
                || ', matching ' || count(l.id) FILTER (WHERE l.amount = d.amount AND l.account_id = d.account_id
                                                         AND l.asset = d.asset AND l.bucket = 'available')
            FROM deposits d LEFT JOIN ledger_entries l ON l.deposit_id = d.id
            GROUP BY d.id
            HAVING count(l.id) FILTER (WHERE l.kind = 'deposit') <> 1 OR count(l.id) FILTER (WHERE l.kind <> 'deposit') <> 0
                OR count(l.id) FILTER (WHERE l.amount = d.amount AND l.account_id = d.account_id AND l.asset = d.asset
                                         AND l.bucket = 'available') <> 1
            """, in: database)
        problems.expect(wrongEntries.isEmpty, "deposits without exactly one matching ledger entry: \(wrongEntries)")
        let entries = try await count("SELECT count(*) FROM ledger_entries WHERE deposit_id IS NOT NULL", in: database)
        problems.expect(entries == payments.count, "\(entries) ledger entries name a deposit, for \(payments.count) payments")
        let reversals = try await count("SELECT count(*) FROM ledger_entries WHERE kind = 'reversal'", in: database)
        problems.expect(reversals == 0, "\(reversals) reversal entries")

        // Each user's BTC is the sum of their payments, and what the ledger says.
        for (index, user) in users.enumerated() {
            let satoshis = payments.filter { $0.user == index }.reduce(Int64(0)) { $0 + $1.satoshis }
            let expected = Decimal(sign: .plus, exponent: -8, significand: Decimal(satoshis))
            let stored = try await rows(
                """
                SELECT b.available::text || ' ' || coalesce((SELECT sum(l.amount) FROM ledger_entries l
                                                             WHERE l.account_id = b.account_id AND l.asset = b.asset), 0)::text
                FROM balances b WHERE b.account_id = \(user.account) AND b.asset = 'BTC'
                """, in: database)
            let parts = stored.first?.split(separator: " ").map(String.init) ?? []
            let balance = parts.first.flatMap { ExactDecimal.parse($0) } ?? 0
            let ledger = parts.last.flatMap { ExactDecimal.parse($0) } ?? 0
            problems.expect(
                balance == expected && ledger == expected,
                "\(user.name): BTC balance \(balance), ledger \(ledger), paid \(expected) in \(payments.filter { $0.user == index }.count) payments"
            )
        }

        // One `deposit.credited` event per deposit, none reversed.
        let credited = try await count("SELECT count(*) FROM outbox WHERE type = \(DepositEvent.credited)", in: database)
        problems.expect(credited == payments.count, "\(credited) deposit.credited events for \(payments.count) payments")
        let wrongEvents = try await rows(
            """
            SELECT d.id::text || ' ' || count(o.id) FROM deposits d
            LEFT JOIN outbox o ON o.type = \(DepositEvent.credited) AND (o.data::json -> 'data' ->> 'id') = d.id::text
            GROUP BY d.id HAVING count(o.id) <> 1
            """, in: database)
        problems.expect(wrongEvents.isEmpty, "deposits without exactly one deposit.credited event: \(wrongEvents)")
        let reversedEvents = try await count("SELECT count(*) FROM outbox WHERE type = \(DepositEvent.reversed)", in: database)
        problems.expect(reversedEvents == 0, "\(reversedEvents) deposit.reversed events")

        // Crediting took many transactions of at most `creditBatch` (each transaction's now() is its credited_at).
        let oversized = try await rows(
            "SELECT credited_at::text || ' ' || count(*) FROM deposits GROUP BY credited_at HAVING count(*) > \(creditBatch)",
            in: database)
        problems.expect(oversized.isEmpty, "more than \(creditBatch) deposits credited in one transaction: \(oversized)")

        // The first kill landed in the middle of a credit run, which another instance then found abandoned.
        problems.expect(kills.contains(where: \.landedInRun), "no instance was killed in the middle of a credit run: \(kills)")
        problems.expect(kills.count >= 3, "only \(kills.count) kills")
        for kill in kills where kill.landedInRun {
            let outcome = try await rows(
                "SELECT outcome FROM job_runs WHERE id = \(kill.creditRun!)", in: database)
            problems.expect(outcome == ["abandoned"], "the credit run \(kill.instance) was killed in ended \(outcome)")
        }
    }

    /// Failed checks, collected so that the processes' logs are printed once with all of them.
    struct Problems {
        var lines: [String] = []

        mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
            if !condition { lines.append(message()) }
        }
    }

    // MARK: Setup

    struct Depositor: Sendable {
        var name: String
        var id: UUID
        var account: UUID
        var address: String
    }

    /// The users named `prefix-*` with their trading accounts, each handed a Bitcoin address from the pool.
    static func depositors(prefix: String, in database: PostgresClient) async throws -> [Depositor] {
        let rows = try await database.query(
            """
            SELECT u.name, u.id, a.id FROM users u JOIN paper_accounts a ON a.user_id = u.id AND a.portfolio_id IS NULL
            WHERE u.name LIKE \(prefix + "-%") ORDER BY u.name
            """)
        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        let addresses = DepositAddressStore(database: database, logger: logger)
        var users: [Depositor] = []
        for try await (name, id, account) in rows.decode((String, UUID, UUID).self) {
            users.append(Depositor(name: name, id: id, account: account, address: ""))
        }
        for index in users.indices {
            users[index].address = try await addresses.assign(user: users[index].id, chain: chain).address.address
        }
        guard users.count == userCount else { throw E2EError("\(users.count) users with accounts, expected \(userCount)") }
        return users
    }

    static func ballast(_ arguments: [String], _ environment: [String: String]) async throws {
        let command = try ServiceProcess("ballast", environment: environment)
        command.process.arguments = arguments
        try command.start()
        let status = await command.waitForExit(timeout: .seconds(60))
        guard status == 0 else {
            throw E2EError("ballast \(arguments.joined(separator: " ")) exited \(String(describing: status)):\n\(command.output)")
        }
    }

    static func rows(_ query: PostgresQuery, in database: PostgresClient) async throws -> [String] {
        var rows: [String] = []
        for try await row in try await database.query(query).decode(String.self) { rows.append(row) }
        return rows
    }

    /// The deposits processes: those running by instance name, and every one started (their logs).
    actor Instances {
        let environment: [String: String]
        private(set) var running: [String: ServiceProcess] = [:]
        private var started: [(instance: String, process: ServiceProcess)] = []

        init(environment: [String: String]) { self.environment = environment }

        func start(_ instance: String) async throws {
            var own = environment
            own["BALLAST_INSTANCE"] = instance
            let port = try freePort()
            own[ServiceName.deposits.adminPortVariable] = String(port)
            let process = try ServiceProcess("deposits", environment: own)
            try process.start()
            running[instance] = process
            started.append((instance, process))
            let ready = await poll(timeout: .seconds(30)) { await httpGet("http://127.0.0.1:\(port)/readyz")?.status == 200 }
            guard ready else { throw E2EError("deposits \(instance) never became ready:\n\(process.output)") }
        }

        func kill(_ instance: String) async {
            guard let process = running.removeValue(forKey: instance) else { return }
            process.signal(SIGKILL)
            _ = await process.waitForExit(timeout: .seconds(10))
        }

        func killAll() async {
            for instance in Array(running.keys) { await kill(instance) }
        }

        /// Every process's output in the order they were started, each headed by its instance and generation.
        func logs() -> String {
            var generations: [String: Int] = [:]
            return started.map { instance, process in
                generations[instance, default: 0] += 1
                return "--- deposits \(instance) #\(generations[instance]!)\n\(process.output)"
            }.joined(separator: "\n")
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
