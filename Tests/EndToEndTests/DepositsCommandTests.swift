import BallastCore
import Foundation
import PostgresNIO
import Testing

/// `ballast deposits ...` run as a process against the shared test database; each test keeps to chains and users of
/// its own (unique names), so the tests can run beside the others.
@Suite("ballast deposits (import-addresses, list, show, retry, stats, addresses)")
struct DepositsCommandTests {
    /// A regtest bech32 address no other test uses.
    static func address() -> String {
        let alphabet = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l")
        return "bcrt1q" + String((0..<38).map { _ in alphabet.randomElement()! })
    }

    static func chain() -> String { "e2e-\(UUID().uuidString.prefix(8).lowercased())" }

    static func ballast(_ arguments: [String]) async throws -> (status: Int32?, output: String) {
        let command = try ServiceProcess("ballast", environment: try ExecutableTests.environment())
        command.process.arguments = arguments
        try command.start()
        return (await command.waitForExit(timeout: .seconds(60)), command.output)
    }

    static func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-addresses-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func poolSize(_ chain: String) async throws -> Int {
        try await withTestDatabase { database in
            try await count("SELECT count(*)::int8 FROM deposit_addresses WHERE chain = \(chain)", in: database)
        }
    }

    @Test("a CSV file (header, comments, blank lines, labels) is imported; importing it again adds nothing")
    func importTwice() async throws {
        #expect(try await Self.ballast(["migrate"]).status == 0)
        let chain = Self.chain()
        let addresses = (0..<3).map { _ in Self.address() }
        let path = try Self.file(
            """
            chain,address,label
            # the operator's wallet, batch 1
            \(chain),\(addresses[0]),first

            \(chain), \(addresses[1].uppercased()) ,
            \(chain),\(addresses[2])
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try await Self.ballast(["deposits", "import-addresses", path, "--kind", "bitcoin"])
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("imported 3 addresses, 0 already known"), "\(first.output)")
        let second = try await Self.ballast(["deposits", "import-addresses", path, "--kind", "bitcoin"])
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("imported 0 addresses, 3 already known"), "\(second.output)")
        #expect(try await Self.poolSize(chain) == 3)
        try await withTestDatabase { database in
            let rows = try await database.query(
                "SELECT address, coalesce(label, '') FROM deposit_addresses WHERE chain = \(chain) ORDER BY label")
            var labels: [String: String] = [:]
            for try await (address, label) in rows.decode((String, String).self) { labels[address] = label }
            #expect(labels == [addresses[0]: "first", addresses[1]: "", addresses[2]: ""])
        }
        let pool = try await Self.ballast(["deposits", "addresses"])
        #expect(pool.status == 0)
        #expect(pool.output.contains(chain))
    }

    @Test("with --chain each line is an address; a well-known chain needs no --kind")
    func importOneChain() async throws {
        #expect(try await Self.ballast(["migrate"]).status == 0)
        let address = "0x" + UUID().uuidString.replacingOccurrences(of: "-", with: "") + "ABCDEF01"
        let path = try Self.file("\(address),hot wallet\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let imported = try await Self.ballast(["deposits", "import-addresses", path, "--chain", "ethereum"])
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.output.contains("imported 1 addresses"), "\(imported.output)")
        let stored = try await withTestDatabase { database in
            try await count(
                "SELECT count(*)::int8 FROM deposit_addresses WHERE chain = 'ethereum' AND address = \(address.lowercased()) AND label = 'hot wallet'",
                in: database)
        }
        #expect(stored == 1)
    }

    @Test(
        "one bad line names the file's line, exits non-zero and imports nothing",
        arguments: [
            ("bitcoin-good,ADDRESS\nbitcoin-good,not-an-address\n", ["--kind", "bitcoin"], ":2:"),
            ("# a header after content is a line\nCHAIN,ADDRESS\nchain,address,label\n", ["--kind", "bitcoin"], ":3:"),
            ("CHAIN,ADDRESS\nCHAIN\n", ["--kind", "bitcoin"], ":2:"),
            ("CHAIN,ADDRESS\n", [], ":1:"),
            ("bitcoin,ADDRESS\nbitcoin,0x52908400098527886E0F7030069857D2E4169EE7\n", [], ":2:"),
            ("CHAIN,ADDRESS\n", ["--kind", "solana"], "--kind"),
            ("bad chain,ADDRESS\n", ["--kind", "bitcoin"], ":1:"),
        ])
    func badFile(template: String, options: [String], expected: String) async throws {
        #expect(try await Self.ballast(["migrate"]).status == 0)
        let chain = Self.chain()
        let good = Self.address()
        let text = template.replacingOccurrences(of: "bitcoin-good", with: chain).replacingOccurrences(of: "CHAIN", with: chain)
            .replacingOccurrences(of: "ADDRESS", with: good)
        let path = try Self.file(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await Self.ballast(["deposits", "import-addresses", path] + options)
        #expect(result.status != 0 && result.status != nil, "\(result.output)")
        #expect(result.output.contains(expected), "\(result.output)")
        #expect(try await Self.poolSize(chain) == 0)
        let stored = try await withTestDatabase { database in
            try await count("SELECT count(*)::int8 FROM deposit_addresses WHERE address = \(good)", in: database)
        }
        #expect(stored == 0)
    }

    @Test("list, show and stats print a user's deposit; retry sends a failed one back and refuses it the second time")
    func listAndRetry() async throws {
        #expect(try await Self.ballast(["migrate"]).status == 0)
        let user = "e2e-\(UUID().uuidString.prefix(8).lowercased())"
        let chain = Self.chain()
        #expect(try await Self.ballast(["user", "create", user]).status == 0)
        let deposit = UUID()
        try await withTestDatabase { database in
            try await database.query(
                """
                INSERT INTO deposits (id, chain, txid, output_index, user_id, address, asset, amount, block_height, block_hash,
                                      confirmations, required_confirmations, status, reason)
                SELECT \(deposit), \(chain), \(deposit.uuidString), 0, id, 'bcrt1qexample', 'BTC', 0.00012345, 7, 'hash-7', 6, 6,
                       'failed', 'the user has no trading account to credit'
                FROM users WHERE name = \(user)
                """)
        }
        let id = deposit.uuidString.lowercased()
        let listed = try await Self.ballast(["deposits", "list", "--user", user, "--chain", chain])
        #expect(listed.status == 0, "\(listed.output)")
        #expect(listed.output.contains(id) && listed.output.contains("0.00012345") && listed.output.contains("failed"), "\(listed.output)")
        let shown = try await Self.ballast(["deposits", "show", id])
        #expect(shown.status == 0 && shown.output.contains("reason: the user has no trading account"), "\(shown.output)")
        let stats = try await Self.ballast(["deposits", "stats"])
        #expect(stats.status == 0 && stats.output.contains(chain), "\(stats.output)")

        let retried = try await Self.ballast(["deposits", "retry", id])
        #expect(retried.status == 0, "\(retried.output)")
        #expect(retried.output.contains("confirmed"), "\(retried.output)")
        let refused = try await Self.ballast(["deposits", "retry", id])
        #expect(refused.status != 0 && refused.output.contains("is confirmed, not failed"), "\(refused.output)")
        let confirmed = try await Self.ballast(["deposits", "list", "--user", user, "--status", "confirmed"])
        #expect(confirmed.output.contains(id), "\(confirmed.output)")

        for arguments in [
            ["deposits", "list", "--status", "lost"], ["deposits", "list", "--limit", "0"], ["deposits", "list", "--user", "nobody-\(id)"],
            ["deposits", "show", "not-a-uuid"], ["deposits", "retry", UUID().uuidString],
            ["deposits", "addresses", "--user", "nobody-\(id)"],
        ] {
            let result = try await Self.ballast(arguments)
            #expect(result.status != 0 && result.status != nil && result.output.contains("ballast:"), "\(arguments): \(result.output)")
        }
        try await withTestDatabase { database in
            try await database.query("DELETE FROM deposits WHERE id = \(deposit)")
            try await database.query("DELETE FROM users WHERE name = \(user)")
        }
    }
}
