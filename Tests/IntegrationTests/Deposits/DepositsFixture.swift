import BallastChains
import BallastCore
import BallastDeposits
import BallastTrading
import Foundation
import PostgresNIO
import Testing

/// A fresh database with one user who has a trading account and a deposit address on a simulated chain, and the
/// deposits parts reading that chain over its JSON-RPC on loopback.
struct DepositsFixture {
    let database: PostgresClient
    let userID: UUID
    let address: String
    let settings: ChainSettings
    let scanner: ChainScanner
    let scans: ChainScanStore
    let deposits: DepositStore

    /// A Bitcoin-style chain, scanned from block 0.
    static func bitcoin(
        confirmations: Int = 6, account: Bool = true, _ body: @Sendable (DepositsFixture, BitcoinNodeSimulator) async throws -> Void
    ) async throws {
        let node = BitcoinNodeSimulator()
        try await node.withRunning { url in
            let settings = ChainSettings(
                name: "bitcoin", kind: .bitcoin, url: url, asset: "BTC", decimals: 8, confirmations: confirmations, startHeight: 0,
                timeout: .seconds(5))
            try await with(settings, address: "bcrt1q" + Self.bech32(38), account: account) { fixture in
                try await body(fixture, node)
            }
        }
    }

    /// An Ethereum-style chain with a USDT token (6 decimals), scanned from block 0.
    static func ethereum(
        confirmations: Int = 12, finalityDepth: UInt64 = 64, useFinalized: Bool = false,
        _ body: @Sendable (DepositsFixture, EthereumNodeSimulator) async throws -> Void
    ) async throws {
        let node = EthereumNodeSimulator(finalityDepth: finalityDepth)
        try await node.server.withRunning { url in
            let settings = ChainSettings(
                name: "ethereum", kind: .ethereum, url: url, asset: "ETH", decimals: 18,
                tokens: [.init(asset: "USDT", contract: Self.usdt.lowercased, decimals: 6)], confirmations: confirmations,
                useFinalized: useFinalized, startHeight: 0, timeout: .seconds(5))
            try await with(settings, address: "0x" + Self.hex(40), account: true) { fixture in
                try await body(fixture, node)
            }
        }
    }

    static let usdt = try! EthereumAddress("0xdAC17F958D2ee523a2206206994597C13D831ec7")

    static func with(
        _ settings: ChainSettings, address: String, account: Bool, _ body: @Sendable (DepositsFixture) async throws -> Void
    ) async throws {
        try await TestDatabase.with { database, _ in
            let logger = TestServers.logger
            let name = TestServers.unique("depositor")
            let rows = try await database.query("INSERT INTO users (name) VALUES (\(name)) RETURNING id")
            var userID: UUID?
            for try await id in rows.decode(UUID.self) { userID = id }
            let user = try #require(userID)
            if account {
                _ = try await PaperAccountStore(database: database, logger: logger).create(
                    user: name, quoteCurrency: "USD", startingCash: 1_000)
            }
            let addresses = DepositAddressStore(database: database, logger: logger)
            _ = try await addresses.importAddresses([DepositAddress(chain: settings.name, address: address)])
            let assigned = try await addresses.assign(user: user, chain: settings.name)
            let scans = ChainScanStore(database: database, logger: logger)
            try await body(
                DepositsFixture(
                    database: database, userID: user, address: assigned.address.address, settings: settings,
                    scanner: ChainScanner(settings: settings, adapter: settings.makeAdapter(), store: scans, logger: logger), scans: scans,
                    deposits: DepositStore(database: database, logger: logger)))
        }
    }

    /// What the service's jobs do, once each: scan, confirmations up to the scanned height, credit.
    @discardableResult
    func cycle() async throws -> ChainScanner.Outcome {
        let outcome = try await scanner.scan()
        try await confirm()
        _ = try await deposits.creditConfirmed()
        return outcome
    }

    func confirm() async throws {
        if let through = try await scans.confirmedThrough(chain: settings.name) {
            _ = try await deposits.updateConfirmations(chain: settings.name, tip: through, required: settings.confirmations)
        }
    }

    func all() async throws -> [DepositView] {
        try await deposits.list(user: userID, limit: 1_000).items
    }

    func only() async throws -> DepositView {
        let all = try await all()
        try #require(all.count == 1, "expected one deposit, found \(all.count)")
        return all[0]
    }

    /// The user's available balance of `asset` in their trading account (0 when none).
    func balance(_ asset: String) async throws -> Decimal {
        let rows = try await database.query(
            """
            SELECT b.available::text FROM balances b JOIN paper_accounts a ON a.id = b.account_id
            WHERE a.user_id = \(userID) AND a.portfolio_id IS NULL AND b.asset = \(asset)
            """)
        for try await text in rows.decode(String.self) { return try #require(ExactDecimal.parse(text)) }
        return 0
    }

    /// Ledger entries of `kind` naming the deposit.
    func ledgerEntries(_ deposit: UUID, kind: String) async throws -> Int {
        try await database.count("SELECT count(*) FROM ledger_entries WHERE deposit_id = \(deposit) AND kind = \(kind)")
    }

    /// Queued `deposit.*` events of `type` for the deposit.
    func events(_ type: String, deposit: UUID) async throws -> Int {
        try await database.count(
            "SELECT count(*) FROM outbox WHERE type = \(type) AND (data::json -> 'data' ->> 'id') = \(deposit.uuidString.lowercased())")
    }

    static func bech32(_ count: Int) -> String {
        let alphabet = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l")
        return String((0..<count).map { _ in alphabet.randomElement()! })
    }

    static func hex(_ count: Int) -> String {
        String((0..<count).map { _ in Array("0123456789abcdef").randomElement()! })
    }
}
