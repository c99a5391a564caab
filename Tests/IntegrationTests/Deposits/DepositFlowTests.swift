import BallastChains
import BallastCore
import BallastDeposits
import Foundation
import Testing

/// Deposits found on a simulated Bitcoin node over its JSON-RPC, confirmed and credited to the paper ledger, with real
/// PostgreSQL.
@Suite("Deposits: detection, confirmations, crediting")
struct DepositFlowTests {
    @Test("a payment is detected, its confirmations rise with each block, and it is credited once at the threshold")
    func creditedOnce() async throws {
        try await DepositsFixture.bitcoin(confirmations: 6) { fixture, node in
            let txid = await node.pay(address: fixture.address, satoshis: 50_000_000)
            await node.pay(address: "bcrt1q" + DepositsFixture.bech32(38), satoshis: 70_000_000)  // not ours
            await node.mine(blocks: 1)
            let first = try await fixture.cycle()
            #expect(first.detected == 1)
            var deposit = try await fixture.only()
            #expect(deposit.txid == txid)
            #expect(deposit.outputIndex == 0)
            #expect(deposit.amount == "0.5")
            #expect(deposit.asset == "BTC")
            #expect(deposit.status == .confirming)
            #expect(deposit.confirmations == 1)
            #expect(deposit.requiredConfirmations == 6)
            for expected in 2...5 {
                await node.mine(blocks: 1)
                try await fixture.cycle()
                deposit = try await fixture.only()
                #expect(deposit.confirmations == expected)
                #expect(deposit.status == .confirming)
            }
            #expect(try await fixture.balance("BTC") == 0)
            await node.mine(blocks: 1)
            try await fixture.cycle()
            deposit = try await fixture.only()
            #expect(deposit.status == .credited)
            #expect(deposit.confirmations == 6)
            #expect(deposit.creditedAt != nil)
            #expect(try await fixture.balance("BTC") == Decimal(string: "0.5"))
            // Running every pass again, and more blocks, credit nothing more.
            await node.mine(blocks: 3)
            for _ in 0..<3 { try await fixture.cycle() }
            #expect(try await fixture.balance("BTC") == Decimal(string: "0.5"))
            #expect(try await fixture.ledgerEntries(deposit.id, kind: "deposit") == 1)
            for event in ["deposit.detected", "deposit.confirmed", "deposit.credited"] {
                #expect(try await fixture.events(event, deposit: deposit.id) == 1, "\(event)")
            }
            #expect(try await fixture.only().status == .credited)
        }
    }

    @Test("several outputs of one transaction to our address are separate deposits, each credited once")
    func outputsOfOneTransaction() async throws {
        try await DepositsFixture.bitcoin(confirmations: 1) { fixture, node in
            for satoshis: Int64 in [1, 2_100_000_000_000_000, 12_345_678] { await node.pay(address: fixture.address, satoshis: satoshis) }
            await node.mine(blocks: 1)
            try await fixture.cycle()
            let deposits = try await fixture.all()
            #expect(deposits.count == 3)
            #expect(deposits.allSatisfy { $0.status == .credited })
            #expect(Set(deposits.map(\.amount)) == ["0.00000001", "21000000", "0.12345678"])
            #expect(try await fixture.balance("BTC") == Decimal(string: "21000000.12345679"))
        }
    }

    @Test("a user without a trading account: the deposit fails with the reason, and a retry after the account exists credits it")
    func withoutAccount() async throws {
        try await DepositsFixture.bitcoin(confirmations: 1, account: false) { fixture, node in
            await node.pay(address: fixture.address, satoshis: 10_000)
            await node.mine(blocks: 1)
            try await fixture.cycle()
            var deposit = try await fixture.only()
            #expect(deposit.status == .failed)
            #expect(deposit.reason?.contains("no trading account") == true)
            #expect(try await fixture.events("deposit.failed", deposit: deposit.id) == 1)
            try await fixture.cycle()
            #expect(try await fixture.only().status == .failed)

            try await fixture.database.query(
                """
                INSERT INTO paper_accounts (user_id, quote_currency, allow_short, taker_fee_bps, maker_fee_bps, slippage_bps, trust_signal_price)
                VALUES (\(fixture.userID), 'USD', false, 10, 5, 5, false)
                """)
            guard case .success(let retried) = try await fixture.deposits.retry(deposit.id, user: fixture.userID) else {
                Issue.record("the retry was refused")
                return
            }
            #expect(retried.status == .confirmed)
            _ = try await fixture.deposits.creditConfirmed()
            deposit = try await fixture.only()
            #expect(deposit.status == .credited)
            #expect(try await fixture.balance("BTC") == Decimal(string: "0.0001"))
            #expect(try await fixture.deposits.retry(deposit.id, user: fixture.userID) == .failure(.notFailed(.credited)))
            #expect(try await fixture.deposits.retry(deposit.id, user: UUID()) == .failure(.notFound))
        }
    }
}
