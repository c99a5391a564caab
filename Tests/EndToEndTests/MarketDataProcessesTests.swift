import BallastCore
import BallastMarket
import BallastRedis
import BallastTestSupport
import Foundation
import PostgresNIO
import Testing

@Suite("Two market-data processes on one stream")
struct MarketDataProcessesTests {
    @Test("trades published while two instances run are each stored once, and every interval counts each trade once")
    func twoInstances() async throws {
        let symbol = "E\(UUID().uuidString.prefix(8).uppercased())-USD"
        var environment = try ExecutableTests.environment()
        environment["BALLAST_AUTO_MIGRATE"] = "1"
        environment["BALLAST_CONSUMER_BATCH_SIZE"] = "50"
        var instances: [(process: ServiceProcess, port: Int)] = []
        for index in 1...2 {
            var own = environment
            let port = try freePort()
            own[ServiceName.marketData.adminPortVariable] = String(port)
            own["BALLAST_INSTANCE"] = "market-data-e2e-\(index)"
            let process = try ServiceProcess("market-data", environment: own)
            try process.start()
            instances.append((process, port))
        }
        for (process, port) in instances {
            let ready = await poll(timeout: .seconds(30)) { await httpGet("http://127.0.0.1:\(port)/readyz")?.status == 200 }
            try #require(ready, "market-data never became ready:\n\(process.output)")
        }

        guard let redisURL = ProcessInfo.processInfo.environment["BALLAST_TEST_REDIS_URL"] else {
            throw E2EError("BALLAST_TEST_REDIS_URL is not set: run scripts/test")
        }
        let producer = StreamProducer(
            client: RedisClient(endpoint: try RedisEndpoint(url: redisURL, variable: "BALLAST_TEST_REDIS_URL")),
            maxLength: 1_000_000
        )
        var market = SimulatedMarket(symbols: [symbol], seed: 3, firstTradeID: 1)
        let start = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
        let trades = (0..<1_000).map { market.nextTrade(at: start + Int64($0) * 3_000) }
        // In bursts, a few times each, so both instances take part and replays meet stored trades.
        for burst in stride(from: 0, to: trades.count, by: 100) {
            let slice = trades[burst..<burst + 100]
            _ = try await producer.publish(
                (Array(slice) + Array(slice.prefix(20))).map { (StreamName.trades, TradeMessage.envelope(for: $0)) })
            try await Task.sleep(for: .milliseconds(50))
        }

        try await withTestDatabase { database in
            let stored = await poll(timeout: .seconds(60)) {
                (try? await count("SELECT count(*) FROM trades WHERE symbol = \(symbol)", in: database)) == trades.count
            }
            #expect(stored)
            for interval in CandleInterval.allCases {
                let counted = try await count(
                    "SELECT coalesce(sum(trade_count), 0)::int8 FROM candles WHERE symbol = \(symbol) AND interval = \(interval.rawValue)",
                    in: database
                )
                #expect(counted == trades.count, "\(interval.rawValue)")
            }
        }
        for (process, _) in instances {
            process.signal(SIGTERM)
            #expect(await process.waitForExit(timeout: .seconds(10)) == 0, "\(process.output)")
        }
    }
}
