import BallastChains
import BallastCore
import BallastDeposits
import Foundation
import Testing

/// Deposits on a simulated Ethereum-style node: the transaction's value, ERC-20 transfers read through `eth_getLogs`,
/// and the `finalized` block.
@Suite("Deposits: Ethereum-style chains")
struct EthereumDepositTests {
    @Test("an ERC-20 transfer through its Transfer log and a native payment are each detected, exact, and credited once")
    func tokenAndNative() async throws {
        try await DepositsFixture.ethereum(confirmations: 3) { fixture, node in
            let to = try EthereumAddress(fixture.address)
            // 1234.567891 USDT (6 decimals) and 1.000000000000000001 ETH (18 decimals).
            let transfer = node.transferToken(contract: DepositsFixture.usdt, to: to, amount: EthereumQuantity(1_234_567_891))
            let payment = node.pay(to: to, wei: EthereumQuantity(1_000_000_000_000_000_001))
            // Another token's transfer to us is not a deposit: its contract is not configured.
            _ = node.transferToken(
                contract: try EthereumAddress("0x6B175474E89094C44Da98b954EedeAC495271d0F"), to: to, amount: EthereumQuantity(5))
            node.mine(1)
            try await fixture.cycle()
            var deposits = try await fixture.all()
            #expect(deposits.count == 2)
            let token = try #require(deposits.first { $0.asset == "USDT" })
            let native = try #require(deposits.first { $0.asset == "ETH" })
            #expect(token.txid == transfer)
            #expect(token.outputIndex == 0)
            #expect(token.amount == "1234.567891")
            #expect(native.txid == payment)
            #expect(native.outputIndex == -1)
            #expect(native.amount == "1.000000000000000001")
            node.mine(2)
            for _ in 0..<2 { try await fixture.cycle() }
            deposits = try await fixture.all()
            #expect(deposits.allSatisfy { $0.status == .credited })
            #expect(try await fixture.balance("USDT") == Decimal(string: "1234.567891"))
            #expect(try await fixture.balance("ETH") == Decimal(string: "1.000000000000000001"))
            for deposit in deposits { #expect(try await fixture.ledgerEntries(deposit.id, kind: "deposit") == 1) }
        }
    }

    @Test("a token transfer mined again in another block after a reorg is the same deposit, credited once")
    func tokenReorg() async throws {
        try await DepositsFixture.ethereum(confirmations: 4) { fixture, node in
            let to = try EthereumAddress(fixture.address)
            node.mine(1)
            _ = node.transferToken(contract: DepositsFixture.usdt, to: to, amount: EthereumQuantity(50_000_000))
            node.mine(2)
            try await fixture.cycle()
            let before = try await fixture.only()
            try node.reorganize(depth: 2, reincluding: true)
            node.mine(4)
            let outcome = try await fixture.cycle()
            #expect(outcome.reorganisations.count == 1)
            let after = try await fixture.only()
            #expect(after.id == before.id)
            #expect(after.blockHash != before.blockHash)
            #expect(after.status == .credited)
            #expect(try await fixture.balance("USDT") == 50)
            #expect(try await fixture.ledgerEntries(after.id, kind: "deposit") == 1)
        }
    }

    @Test("with the finalized tag, a deposit at or below the finalized block is confirmed whatever its count")
    func finalized() async throws {
        try await DepositsFixture.ethereum(confirmations: 1_000, finalityDepth: 3, useFinalized: true) { fixture, node in
            _ = node.pay(to: try EthereumAddress(fixture.address), wei: EthereumQuantity(7))
            node.mine(1)
            try await fixture.cycle()
            #expect(try await fixture.only().status == .confirming)
            node.mine(4)
            try await fixture.cycle()
            let deposit = try await fixture.only()
            #expect(deposit.status == .credited)
            #expect(deposit.confirmations == 5)
            #expect(try await fixture.balance("ETH") == Decimal(string: "0.000000000000000007"))
        }
    }
}

@Suite("Deposits: large Ethereum amounts")
struct EthereumLargeAmountTests {
    @Test("a payment of 10^38 wei is 10^20 ETH exactly: trailing zeros do not count against Decimal's 38 digits")
    func trailingZeros() async throws {
        try await DepositsFixture.ethereum(confirmations: 1) { fixture, node in
            var wei: UInt128 = 1
            for _ in 0..<38 { wei *= 10 }
            _ = node.pay(to: try EthereumAddress(fixture.address), wei: EthereumQuantity(wei))
            node.mine(1)
            try await fixture.cycle()
            let deposit = try await fixture.only()
            #expect(deposit.amount == "100000000000000000000")
            #expect(deposit.status == .credited)
        }
    }
}
