import BallastCore
import BallastRedis
import BallastTestSupport
import Foundation
import PostgresNIO
import Testing

@Suite("signal-processor processes: kill -9 mid-burst, two instances")
struct SignalProcessorProcessesTests {
    @Test("with two instances, one killed mid-burst and restarted, every signal ends as exactly one order and no order fills twice")
    func killAndRestart() async throws {
        let environment = try ExecutableTests.environment()
        let user = "e2e-\(UUID().uuidString.prefix(8).lowercased())"
        let symbol = "K\(UUID().uuidString.prefix(8).uppercased())-USD"
        for arguments in [["migrate"], ["user", "create", user], ["account", "create", user, "--cash", "10000000", "--allow-short"]] {
            let command = try ServiceProcess("ballast", environment: environment)
            command.process.arguments = arguments
            try command.start()
            #expect(
                await command.waitForExit(timeout: .seconds(60)) == 0, "ballast \(arguments.joined(separator: " ")):\n\(command.output)")
        }
        let redis = RedisClient(endpoint: try RedisEndpoint(url: try Self.redisURL(), variable: "BALLAST_TEST_REDIS_URL"))
        _ = try await redis.pipeline([
            RedisCommand("SET", MarketKeys.price(symbol), "100"),
            // Dated an hour ahead: fresh for the whole test without a market-data process.
            RedisCommand("SET", MarketKeys.priceTime(symbol), String(Date().epochMilliseconds + 3_600_000)),
        ])
        let userID = try await withTestDatabase { database in
            try await database.query("INSERT INTO market_symbols (symbol) VALUES (\(symbol))")
            let rows = try await database.query("SELECT id FROM users WHERE name = \(user)")
            for try await id in rows.decode(UUID.self) { return id }
            throw E2EError("user \(user) was not created")
        }

        var processorEnvironment = environment
        processorEnvironment["BALLAST_PROCESSING_TIMEOUT_MS"] = "2000"
        processorEnvironment["BALLAST_CONSUMER_BATCH_SIZE"] = "20"
        processorEnvironment["BALLAST_LOG_LEVEL"] = "warning"
        func start(_ name: String) throws -> ServiceProcess {
            var own = processorEnvironment
            own["BALLAST_INSTANCE"] = "\(name)-\(UUID().uuidString.prefix(6))"
            own[ServiceName.signalProcessor.adminPortVariable] = String(try freePort())
            let process = try ServiceProcess("signal-processor", environment: own)
            try process.start()
            return process
        }
        let first = try start("a")
        let second = try start("b")

        // 400 signals: buys and sells of one symbol, so the instances contend for the same account and position.
        let signals = (0..<400).map { index in
            SignalDocument(
                id: UUID(), sourceID: UUID(), userID: userID, symbol: symbol, action: index % 3 == 2 ? "sell" : "buy",
                quantity: "\(1 + index % 5)", receivedAt: Date())
        }
        let producer = StreamProducer(client: redis, maxLength: 1_000_000)
        // A steady stream, 10 signals every 10 ms; instance a is killed in the middle of it.
        for chunk in stride(from: 0, to: signals.count, by: 10) {
            let envelopes = try signals[chunk..<chunk + 10].map { signal in
                (StreamName.signals, try Envelope(type: "signal.received", payload: signal))
            }
            _ = try await producer.publish(envelopes)
            if chunk == 200 { first.signal(SIGKILL) }
            try await Task.sleep(for: .milliseconds(10))
        }
        _ = await first.waitForExit(timeout: .seconds(10))
        let restarted = try start("a")

        let ids = signals.map(\.id)
        try await withTestDatabase { database in
            let decided = await poll(timeout: .seconds(90)) {
                (try? await count("SELECT count(*) FROM signal_decisions WHERE signal_id = ANY(\(ids))", in: database)) == ids.count
            }
            try #require(decided, "not every signal was decided:\n\(second.output)\n\(restarted.output)")
            let account = "(SELECT id FROM paper_accounts WHERE user_id = '\(userID.uuidString)')"
            // One order per signal, filled or rejected; no order with two fills; balances equal the ledger.
            #expect(try await count("SELECT count(*) FROM orders WHERE signal_id = ANY(\(ids))", in: database) == ids.count)
            #expect(
                try await count(
                    PostgresQuery(
                        unsafeSQL: "SELECT count(*) FROM orders WHERE account_id = \(account) AND status NOT IN ('filled', 'rejected')"),
                    in: database) == 0)
            let filled = try await count(
                PostgresQuery(unsafeSQL: "SELECT count(*) FROM orders WHERE account_id = \(account) AND status = 'filled'"), in: database)
            #expect(
                try await count(PostgresQuery(unsafeSQL: "SELECT count(*) FROM fills WHERE account_id = \(account)"), in: database)
                    == filled)
            #expect(
                try await count(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT count(*) FROM balances b
                            LEFT JOIN (SELECT account_id, asset, sum(amount) FILTER (WHERE bucket = 'available') AS available
                                       FROM ledger_entries GROUP BY account_id, asset) l USING (account_id, asset)
                            WHERE b.account_id = \(account) AND b.available <> coalesce(l.available, 0)
                            """), in: database) == 0)
            #expect(filled > 300, "most signals should fill")
        }
        for process in [second, restarted] {
            process.signal(SIGTERM)
            #expect(await process.waitForExit(timeout: .seconds(15)) == 0, "\(process.output)")
        }
    }

    private static func redisURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["BALLAST_TEST_REDIS_URL"] else {
            throw E2EError("BALLAST_TEST_REDIS_URL is not set: run scripts/test")
        }
        return url
    }
}
