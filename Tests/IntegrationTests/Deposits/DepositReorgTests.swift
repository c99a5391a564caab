import BallastChains
import BallastCore
import BallastDeposits
import Foundation
import Testing

/// Reorganisations on the simulated node: before the threshold nothing is credited, a payment mined again is credited
/// once, a credit whose block was replaced is reversed with a compensating entry.
@Suite("Deposits: reorganisations")
struct DepositReorgTests {
    @Test("a reorg before the threshold that mines the payment again: the same deposit moves to the new block and is credited once")
    func reincluded() async throws {
        try await DepositsFixture.bitcoin(confirmations: 3) { fixture, node in
            await node.pay(address: fixture.address, satoshis: 25_000_000)
            await node.mine(blocks: 2)
            try await fixture.cycle()
            let before = try await fixture.only()
            #expect(before.status == .confirming)
            #expect(before.confirmations == 2)
            // The block with the payment and the one after are replaced by three new blocks; the payment is in the first.
            await node.reorganize(depth: 2, keepTransactions: true)
            let outcome = try await fixture.cycle()
            #expect(outcome.reorganisations.count == 1)
            #expect(outcome.reorganisations.first?.depth == 2)
            #expect(outcome.reorganisations.first?.orphaned == 1)
            var after = try await fixture.only()
            #expect(after.id == before.id)
            #expect(after.blockHash != before.blockHash)
            #expect(after.blockHash == (await node.hash(at: Int(after.blockHeight ?? -1))))
            #expect(after.status == .credited)  // three blocks on top of the new one reach 3 confirmations
            await node.mine(blocks: 2)
            try await fixture.cycle()
            after = try await fixture.only()
            #expect(try await fixture.ledgerEntries(after.id, kind: "deposit") == 1)
            #expect(try await fixture.balance("BTC") == Decimal(string: "0.25"))
            #expect(try await fixture.events("deposit.credited", deposit: after.id) == 1)
        }
    }

    @Test("a reorg before the threshold that drops the payment: never credited, failed with the reason once the scanner caught up")
    func dropped() async throws {
        try await DepositsFixture.bitcoin(confirmations: 6) { fixture, node in
            await node.pay(address: fixture.address, satoshis: 25_000_000)
            await node.mine(blocks: 3)
            try await fixture.cycle()
            #expect(try await fixture.only().status == .confirming)
            await node.reorganize(depth: 3, keepTransactions: false)
            await node.mine(blocks: 10)
            try await fixture.cycle()
            let deposit = try await fixture.only()
            #expect(deposit.status == .failed)
            #expect(deposit.blockHash == nil)
            #expect(deposit.reason?.contains("reorganisation") == true)
            #expect(try await fixture.balance("BTC") == 0)
            #expect(try await fixture.ledgerEntries(deposit.id, kind: "deposit") == 0)
            #expect(try await fixture.events("deposit.failed", deposit: deposit.id) == 1)
            #expect(try await fixture.events("deposit.credited", deposit: deposit.id) == 0)
        }
    }

    @Test("a reorg deeper than the threshold after the credit: reversed with a compensating entry, an event, and reported as deep")
    func reversedAfterCredit() async throws {
        try await DepositsFixture.bitcoin(confirmations: 2) { fixture, node in
            await node.pay(address: fixture.address, satoshis: 40_000_000)
            await node.mine(blocks: 3)
            try await fixture.cycle()
            let credited = try await fixture.only()
            #expect(credited.status == .credited)
            #expect(try await fixture.balance("BTC") == Decimal(string: "0.4"))
            await node.reorganize(depth: 3, keepTransactions: false)
            let outcome = try await fixture.cycle()
            let reorganisation = try #require(outcome.reorganisations.first)
            #expect(reorganisation.deeperThanConfirmations)
            #expect(reorganisation.reversed.map(\.id) == [credited.id])
            let reversed = try await fixture.only()
            #expect(reversed.status == .reversed)
            #expect(reversed.reason?.contains("reversed") == true)
            #expect(try await fixture.balance("BTC") == 0)
            #expect(try await fixture.ledgerEntries(credited.id, kind: "deposit") == 1)
            #expect(try await fixture.ledgerEntries(credited.id, kind: "reversal") == 1)
            #expect(try await fixture.events("deposit.reversed", deposit: credited.id) == 1)
            // The ledger still sums to the balance.
            let ledger = try await fixture.database.count(
                """
                SELECT count(*) FROM (
                    SELECT deposit_id FROM ledger_entries WHERE deposit_id = \(credited.id) GROUP BY deposit_id HAVING sum(amount) = 0
                ) netted
                """)
            #expect(ledger == 1)
        }
    }

    @Test("a reorg after the credit that mines the payment again: reversed, then credited again, the ledger nets one credit")
    func reversedThenMinedAgain() async throws {
        try await DepositsFixture.bitcoin(confirmations: 1) { fixture, node in
            await node.pay(address: fixture.address, satoshis: 1_000)
            await node.mine(blocks: 1)
            try await fixture.cycle()
            let deposit = try await fixture.only()
            #expect(deposit.status == .credited)
            await node.reorganize(depth: 1, keepTransactions: true)
            try await fixture.cycle()
            #expect(try await fixture.only().status == .credited)
            #expect(try await fixture.balance("BTC") == Decimal(string: "0.00001"))
            #expect(try await fixture.ledgerEntries(deposit.id, kind: "deposit") == 2)
            #expect(try await fixture.ledgerEntries(deposit.id, kind: "reversal") == 1)
            #expect(try await fixture.events("deposit.reversed", deposit: deposit.id) == 1)
        }
    }

    @Test("a fork below the kept block hashes stops the scan without a change")
    func beyondWindow() async throws {
        let node = BitcoinNodeSimulator()
        try await node.withRunning { url in
            let settings = ChainSettings(
                name: "bitcoin", kind: .bitcoin, url: url, asset: "BTC", decimals: 8, confirmations: 1, startHeight: 0, reorgWindow: 3)
            try await DepositsFixture.with(settings, address: "bcrt1q" + DepositsFixture.bech32(38), account: true) { fixture in
                await node.mine(blocks: 6)
                try await fixture.cycle()
                let cursor = try await fixture.scans.cursor(chain: "bitcoin")
                await node.reorganize(depth: 5, keepTransactions: false)
                await #expect(throws: ChainScanError.reorgBeyondWindow(chain: "bitcoin", scannedHeight: 6, window: 3)) {
                    try await fixture.scanner.scan()
                }
                #expect(try await fixture.scans.cursor(chain: "bitcoin") == cursor)
            }
        }
    }
}
