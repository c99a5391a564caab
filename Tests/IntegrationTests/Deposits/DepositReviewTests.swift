import BallastChains
import BallastCore
import BallastDeposits
import BallastPostgres
import Foundation
import PostgresNIO
import Synchronization
import Testing

/// Defects found in review of the deposits code, each reproduced against the simulated nodes and real PostgreSQL
/// (these tests failed before the fixes).
@Suite("Deposits: review findings")
struct DepositReviewTests {
    /// A rewind racing a credit pass. The credit pass has claimed a confirmed deposit (row locked) and waits for the
    /// account's lock; the rewind reads `status = 'credited'` rows to reverse (this one is still `confirmed` in its
    /// snapshot, so none), then its UPDATE waits on the row. Once the credit commits, the UPDATE re-evaluates its `SET`
    /// on the new row version: `credited` becomes `reversed`, but no compensating entry was posted.
    @Test("a rewind racing a credit pass: a deposit marked reversed is also reversed in the ledger")
    func rewindRacingCredit() async throws {
        try await DepositsFixture.bitcoin(confirmations: 2) { fixture, node in
            await node.pay(address: fixture.address, satoshis: 30_000_000)
            await node.mine(blocks: 2)
            _ = try await fixture.scanner.scan()
            try await fixture.confirm()
            let confirmed = try await fixture.only()
            try #require(confirmed.status == .confirmed)
            // The payment is double-spent away: the blocks with it are replaced.
            await node.reorganize(depth: 2, keepTransactions: false)

            let release = Flag()
            // Holds the user's trading account locked, as a trade in progress would, so the credit pass stops between
            // claiming the deposit and posting it.
            async let holder: Void = fixture.database.withConnection { connection in
                try await connection.execute("BEGIN", logger: TestServers.logger)
                try await connection.execute(
                    "SELECT 1 FROM paper_accounts WHERE user_id = \(fixture.userID) FOR UPDATE", logger: TestServers.logger)
                let deadline = ContinuousClock.now + .seconds(30)
                while !release.isSet, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                try await connection.execute("COMMIT", logger: TestServers.logger)
            }
            let holding = await Self.reach(1, "state = 'idle in transaction'", fixture.database)
            async let credit = fixture.deposits.creditConfirmed()
            let creditWaits = await Self.reach(1, "wait_event_type = 'Lock'", fixture.database)
            async let scan = fixture.scanner.scan()
            let scanWaits = await Self.reach(2, "wait_event_type = 'Lock'", fixture.database)
            release.set()
            _ = try await holder
            let credited = try await credit
            let outcome = try await scan
            #expect(holding && creditWaits && scanWaits, "the interleaving was not reached; the test proves nothing")
            #expect(credited.credited == 1)
            #expect(outcome.reorganisations.count == 1)

            let deposit = try await fixture.only()
            #expect(deposit.status == .reversed)
            let reversals = try await fixture.ledgerEntries(deposit.id, kind: "reversal")
            let balance = try await fixture.balance("BTC")
            #expect(reversals == 1)
            #expect(balance == 0, "the user keeps 0.3 BTC from a payment a reorganisation removed")
        }
    }

    /// The confirmations job reads the scanned height (`confirmedThrough`) and then updates in another transaction. A
    /// scan that rewinds and records the payment again at a lower height in between (here: one block per scan, as a
    /// scanner catching up does) makes the pass count confirmations against the old chain's height.
    @Test("confirmations counted against a scanned height that a rewind undid meanwhile: credited after 1 confirmation of 6")
    func staleHeightAfterRewind() async throws {
        let node = BitcoinNodeSimulator()
        try await node.withRunning { url in
            let settings = ChainSettings(
                name: "bitcoin", kind: .bitcoin, url: url, asset: "BTC", decimals: 8, confirmations: 6, startHeight: 0,
                maxBlocksPerScan: 1, timeout: .seconds(5))
            try await DepositsFixture.with(settings, address: "bcrt1q" + DepositsFixture.bech32(38), account: true) { fixture in
                await node.mine(blocks: 4)
                await node.pay(address: fixture.address, satoshis: 10_000_000)
                await node.mine(blocks: 3)  // the payment at height 5, tip 7
                while !(try await fixture.scanner.scan().caughtUp) {}
                try await fixture.confirm()
                try #require(try await fixture.only().confirmations == 3)

                // The confirmations job reads how far the chain is scanned...
                let through = try #require(try await fixture.scans.confirmedThrough(chain: "bitcoin"))
                // ...meanwhile a reorganisation replaces blocks 2... and the scan job rewinds to 1 and records block 2,
                // which holds the payment again...
                await node.reorganize(depth: 6, keepTransactions: true)
                let outcome = try await fixture.scanner.scan()
                #expect(outcome.reorganisations.count == 1)
                #expect(outcome.cursor.height == 2)
                // ...and the job updates with what it read.
                _ = try await fixture.deposits.updateConfirmations(chain: "bitcoin", tip: through, required: 6)
                _ = try await fixture.deposits.creditConfirmed()

                let deposit = try await fixture.only()
                let balance = try await fixture.balance("BTC")
                #expect(deposit.confirmations <= 1, "block 2 is the scanned tip: 1 confirmation")
                #expect(deposit.status == .confirming)
                #expect(balance == 0)
            }
        }
    }

    /// `ChainScanner.scan` records the node's tip and finalized block before it checks that the node's height is not
    /// below the scanned block. A node pointed at another network (or resynced onto another fork) then moves
    /// `finalized_height`, and the confirmations pass confirms our deposits by it. The same happens while scans stop on
    /// `reorgBeyondWindow`: finalized heights of the node's new chain keep confirming deposits in orphaned blocks.
    @Test("a node whose height went backwards still moves the finalized height: a deposit is credited at 5 of 12 confirmations")
    func backwardsNodeMovesFinalized() async throws {
        try await DepositsFixture.ethereum(confirmations: 12, finalityDepth: 64, useFinalized: true) { fixture, node in
            node.pay(to: try EthereumAddress(fixture.address), wei: EthereumQuantity(1_000))
            node.mine(5)
            try await fixture.cycle()
            try #require(try await fixture.only().status == .confirming)

            let other = EthereumNodeSimulator(finalityDepth: 0)
            other.mine(3)
            try await other.server.withRunning { url in
                var settings = fixture.settings
                settings.url = url
                let scanner = ChainScanner(
                    settings: settings, adapter: settings.makeAdapter(), store: fixture.scans, logger: TestServers.logger)
                await #expect(throws: ChainScanError.heightWentBackwards(chain: "ethereum", nodeHeight: 3, scannedHeight: 5)) {
                    try await scanner.scan()
                }
            }
            // While the scan job backs off, the confirmations and credit jobs run.
            try await fixture.confirm()
            _ = try await fixture.deposits.creditConfirmed()
            let deposit = try await fixture.only()
            let balance = try await fixture.balance("ETH")
            #expect(deposit.status == .confirming)
            #expect(balance == 0)
        }
    }

    /// A block whose parent is not the hash the same node gives for the height below (a node omitting
    /// `previousblockhash`, or two nodes behind one load balancer) sends `findFork` back to the cursor itself. The
    /// scanner "rewinds" zero blocks and reads the same block again, in a loop bounded only by the node: each turn a
    /// transaction, a warning "reorganisation" and a `ballast_chain_reorgs_total`.
    @Test("a block whose parent is not the node's block below: the scan fails as a node fault, not zero-depth reorganisations")
    func inconsistentParentLoops() async throws {
        let node = BitcoinNodeSimulator()
        await node.mine(blocks: 2)
        try await node.withRunning { nodeURL in
            let upstream = JSONRPCClient(url: nodeURL, timeout: .seconds(5))
            let stripped = Counter()
            let proxy = JSONRPCServer(handlers: [
                "getblockcount": { params in try await upstream.call("getblockcount", Self.positional(params)) },
                "getblockhash": { params in try await upstream.call("getblockhash", Self.positional(params)) },
                "getblock": { params in
                    let block = try await upstream.call("getblock", Self.positional(params))
                    // The first 25 answers for block 2 lack `previousblockhash`.
                    guard block["height"]?.integerValue == 2, case .object(let members) = block, stripped.next() <= 25 else {
                        return block
                    }
                    return .object(members.filter { $0.key != "previousblockhash" })
                },
            ])
            try await proxy.withRunning { url in
                let settings = ChainSettings(
                    name: "bitcoin", kind: .bitcoin, url: url, asset: "BTC", decimals: 8, confirmations: 1, startHeight: 0,
                    timeout: .seconds(5))
                try await DepositsFixture.with(settings, address: "bcrt1q" + DepositsFixture.bech32(38), account: true) { fixture in
                    var zeroDepth = 0
                    var failedAsNode = false
                    do {
                        let outcome = try await fixture.scanner.scan()
                        zeroDepth = outcome.reorganisations.filter { $0.depth == 0 }.count
                    } catch ChainScanError.node {
                        failedAsNode = true
                    }
                    #expect(failedAsNode)
                    #expect(zeroDepth == 0, "\(zeroDepth) reorganisations of depth 0 were recorded and logged")
                }
            }
        }
    }

    // MARK: helpers

    /// Whether `count` or more backends of this database came to match `condition` (on `pg_stat_activity`) within 10 s.
    static func reach(_ count: Int, _ condition: String, _ database: PostgresClient) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        let query = PostgresQuery(
            unsafeSQL: "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND "
                + condition)
        while ContinuousClock.now < deadline {
            if let found = try? await database.count(query), found >= count { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    static func positional(_ params: JSONRPCParameters) -> [JSONValue] {
        if case .array(let values) = params.json { return values }
        return []
    }

    final class Flag: Sendable {
        private let value = Mutex(false)
        var isSet: Bool { value.withLock { $0 } }
        func set() { value.withLock { $0 = true } }
    }

    final class Counter: Sendable {
        private let value = Mutex(0)
        /// 1, 2, 3, ...
        func next() -> Int {
            value.withLock {
                $0 += 1
                return $0
            }
        }
    }
}
