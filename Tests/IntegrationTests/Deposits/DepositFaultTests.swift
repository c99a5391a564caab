import BallastChains
import BallastCore
import BallastDeposits
import Foundation
import Testing

/// Nodes that fail, scanners and creditors running at once, a transaction that dies half-way: nothing changes, nothing
/// is credited twice.
@Suite("Deposits: faults")
struct DepositFaultTests {
    @Test(
        "a node answering errors, garbage, the wrong block or nothing: the scan fails naming the chain and method, nothing changes",
        arguments: ["rpc error", "a string for a block", "wrong block", "hang"])
    func misbehavingNode(_ fault: String) async throws {
        let node = BitcoinNodeSimulator()
        await node.mine(blocks: 3)
        // A node that answers getblockcount and getblockhash truthfully and `getblock` with the fault.
        let faulty = JSONRPCServer(handlers: [
            "getblockcount": { _ in .integer(4) },
            "getblockhash": { params in
                let height = params.value(0, "height")?.integerValue ?? 0
                return .string(await node.hash(at: min(height, 3)) ?? "")
            },
            "getblock": { params in
                switch fault {
                case "rpc error": throw JSONRPCErrorObject(code: -5, message: "Block not found")
                case "a string for a block": return .string("<html>")
                case "wrong block":
                    let hash = params.value(0, "blockhash")?.stringValue ?? ""
                    return .object([("hash", .string(hash)), ("height", .integer(99))])
                default:
                    try await Task.sleep(for: .seconds(30))
                    return .null
                }
            },
        ])
        try await faulty.withRunning { url in
            let settings = ChainSettings(
                name: "bitcoin", kind: .bitcoin, url: url, asset: "BTC", decimals: 8, confirmations: 1, startHeight: 4, timeout: .seconds(3)
            )
            try await DepositsFixture.with(settings, address: "bcrt1q" + DepositsFixture.bech32(38), account: true) { fixture in
                // The scanner has recorded block 3; the node's block 4 is where the fault is.
                let recorded = ChainCursor(height: 3, hash: try #require(await node.hash(at: 3)))
                _ = try await fixture.scans.start(chain: "bitcoin", at: recorded)
                do {
                    _ = try await fixture.scanner.scan()
                    Issue.record("the scan succeeded against a faulty node")
                } catch let error as ChainScanError {
                    guard case .node(let chain, let rpc) = error else {
                        Issue.record("unexpected \(error)")
                        return
                    }
                    #expect(chain == "bitcoin")
                    #expect("\(rpc)".contains("getblock"))
                }
                #expect(try await fixture.scans.cursor(chain: "bitcoin")?.height == 3)
                #expect(try await fixture.database.count("SELECT count(*) FROM deposits") == 0)
                #expect(try await fixture.database.count("SELECT count(*) FROM chain_blocks WHERE height > 3") == 0)
            }
        }
    }

    @Test("a node whose height went below the scanned block: no change, the scan says so")
    func heightBackwards() async throws {
        try await DepositsFixture.bitcoin(confirmations: 1) { fixture, node in
            await node.mine(blocks: 5)
            try await fixture.cycle()
            let other = BitcoinNodeSimulator()
            await other.mine(blocks: 2)
            try await other.withRunning { url in
                var settings = fixture.settings
                settings.url = url
                let scanner = ChainScanner(
                    settings: settings, adapter: settings.makeAdapter(), store: fixture.scans, logger: TestServers.logger)
                await #expect(throws: ChainScanError.heightWentBackwards(chain: "bitcoin", nodeHeight: 2, scannedHeight: 5)) {
                    try await scanner.scan()
                }
            }
            #expect(try await fixture.scans.cursor(chain: "bitcoin")?.height == 5)
        }
    }

    @Test("two scanners and two creditors at once over 40 payments: each deposit recorded once and credited once")
    func twoInstances() async throws {
        try await DepositsFixture.bitcoin(confirmations: 2) { fixture, node in
            for block in 0..<8 {
                for payment in 0..<5 { await node.pay(address: fixture.address, satoshis: Int64(1_000 + block * 10 + payment)) }
                await node.mine(blocks: 1)
            }
            await node.mine(blocks: 2)
            let second = ChainScanner(
                settings: fixture.settings, adapter: fixture.settings.makeAdapter(), store: fixture.scans, logger: TestServers.logger)
            for _ in 0..<4 {
                async let first: Void = Self.scanIgnoringRace(fixture.scanner)
                async let other: Void = Self.scanIgnoringRace(second)
                _ = try await (first, other)
            }
            try await fixture.confirm()
            async let creditA = Self.creditAll(fixture.deposits)
            async let creditB = Self.creditAll(fixture.deposits)
            let (a, b) = try await (creditA, creditB)
            #expect(a + b == 40)
            let deposits = try await fixture.all()
            #expect(deposits.count == 40)
            #expect(deposits.allSatisfy { $0.status == .credited })
            #expect(try await fixture.database.count("SELECT count(*) FROM ledger_entries WHERE deposit_id IS NOT NULL") == 40)
            #expect(
                try await fixture.database.count("SELECT count(DISTINCT deposit_id) FROM ledger_entries WHERE deposit_id IS NOT NULL") == 40
            )
            #expect(try await fixture.database.count("SELECT count(*) FROM outbox WHERE type = 'deposit.credited'") == 40)
            let expected = (0..<8).reduce(Decimal(0)) { sum, block in
                sum + (0..<5).reduce(Decimal(0)) { $0 + Decimal(1_000 + block * 10 + $1) / 100_000_000 }
            }
            #expect(try await fixture.balance("BTC") == expected)
        }
    }

    @Test(
        "a credit transaction that dies after its ledger entries, before the status change: nothing stays; the next pass credits each once")
    func crashMidCredit() async throws {
        try await DepositsFixture.bitcoin(confirmations: 1) { fixture, node in
            for satoshis: Int64 in [100, 200, 300] { await node.pay(address: fixture.address, satoshis: satoshis) }
            await node.mine(blocks: 1)
            _ = try await fixture.scanner.scan()
            try await fixture.confirm()
            // The exchange's classic failure: the credit is written, then the process dies before "mark credited". Here
            // the statement that marks them fails, after the ledger and balances were written in the same transaction.
            try await fixture.database.query(
                """
                CREATE FUNCTION die_before_marking() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'the process died here'; END $$
                """)
            try await fixture.database.query(
                """
                CREATE TRIGGER die_before_marking BEFORE UPDATE ON deposits FOR EACH ROW
                WHEN (NEW.status = 'credited') EXECUTE FUNCTION die_before_marking()
                """)
            do {
                let outcome = try await fixture.deposits.creditConfirmed()
                Issue.record("the credit went through the failing statement: \(outcome)")
            } catch {}
            #expect(try await fixture.all().allSatisfy { $0.status == .confirmed })
            #expect(try await fixture.database.count("SELECT count(*) FROM ledger_entries WHERE deposit_id IS NOT NULL") == 0)
            #expect(try await fixture.balance("BTC") == 0)
            #expect(try await fixture.database.count("SELECT count(*) FROM outbox WHERE type = 'deposit.credited'") == 0)

            try await fixture.database.query("DROP TRIGGER die_before_marking ON deposits")
            let outcome = try await fixture.deposits.creditConfirmed()
            #expect(outcome.credited == 3)
            #expect(try await fixture.deposits.creditConfirmed().credited == 0)
            #expect(try await fixture.balance("BTC") == Decimal(string: "0.000006"))
            #expect(try await fixture.database.count("SELECT count(*) FROM ledger_entries WHERE deposit_id IS NOT NULL") == 3)
        }
    }

    static func scanIgnoringRace(_ scanner: ChainScanner) async throws {
        do {
            _ = try await scanner.scan()
        } catch ChainScanError.cursorMoved {
            // The other scanner recorded the block first; this one stops and the next scan reads from the new cursor.
        }
    }

    static func creditAll(_ store: DepositStore) async throws -> Int {
        var total = 0
        while true {
            let outcome = try await store.creditConfirmed(limit: 3)
            total += outcome.credited
            if outcome.credited == 0 { return total }
        }
    }
}
