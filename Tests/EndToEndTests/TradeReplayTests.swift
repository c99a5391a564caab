import BallastCore
import BallastMarket
import BallastRedis
import Foundation
import PostgresNIO
import Testing

@Suite("ballast trades replay into a running market-data")
struct TradeReplayTests {
    @Test("a CSV replayed in order, again, then shuffled gives the same candles; a bad line is reported and skipped")
    func replayTwiceAndShuffled() async throws {
        let symbol = "R\(UUID().uuidString.prefix(8).uppercased())-USD"
        var environment = try ExecutableTests.environment()
        environment["BALLAST_AUTO_MIGRATE"] = "1"
        environment["BALLAST_CONSUMER_BATCH_SIZE"] = "100"
        let port = try freePort()
        environment[ServiceName.marketData.adminPortVariable] = String(port)
        let marketData = try ServiceProcess("market-data", environment: environment)
        try marketData.start()
        let ready = await poll(timeout: .seconds(30)) { await httpGet("http://127.0.0.1:\(port)/readyz")?.status == 200 }
        try #require(ready, "market-data never became ready:\n\(marketData.output)")

        // Two hours of trades ending an hour ago: every bucket they touch has ended.
        var market = SimulatedMarket(symbols: [symbol], seed: 11, firstTradeID: 1)
        let start = Date().epochMilliseconds - 3 * 3_600_000
        let trades = (0..<800).map { market.nextTrade(at: start + Int64($0) * 9_000 + Int64($0 % 7)) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // In order, epoch milliseconds, with one bad line (line 4: a negative price) among them.
        var ordered = trades.map { Self.csvLine($0, rfc3339: false) }
        ordered.insert("\(start),\(symbol),-5,1,buy,999999", at: 2)
        let orderedFile = try Self.write(ordered, named: "ordered.csv", in: directory)
        let first = try await Self.replay(orderedFile, environment: environment)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("published 800 trades"), "\(first.output)")
        #expect(first.output.contains("skipped 1 bad lines"), "\(first.output)")
        #expect(first.output.contains("ordered.csv:4:"), "the bad line is named by its number: \(first.output)")

        try await withTestDatabase { [environment] database in
            let stored = await poll(timeout: .seconds(60)) {
                (try? await count("SELECT count(*) FROM trades WHERE symbol = \(symbol)", in: database)) == trades.count
            }
            try #require(stored, "market-data did not store the trades:\n\(marketData.output)")
            try await Self.waitForCatchUp()
            let afterFirst = try await Self.candles(of: symbol, in: database)
            try Self.checkTotals(afterFirst, against: trades)

            // The same file again, then the same trades shuffled with RFC 3339 timestamps: nothing changes.
            let again = try await Self.replay(orderedFile, environment: environment)
            #expect(again.status == 0, "\(again.output)")
            var generator = SplitMix64(seed: 5)
            let shuffled = trades.shuffled(using: &generator).enumerated().map { Self.csvLine($1, rfc3339: $0.isMultiple(of: 2)) }
            let shuffledFile = try Self.write(shuffled, named: "shuffled.csv", in: directory)
            let third = try await Self.replay(shuffledFile, environment: environment)
            #expect(third.status == 0, "\(third.output)")
            #expect(third.output.contains("published 800 trades"), "\(third.output)")
            try await Self.waitForCatchUp()

            #expect(try await count("SELECT count(*) FROM trades WHERE symbol = \(symbol)", in: database) == trades.count)
            let afterReplays = try await Self.candles(of: symbol, in: database)
            #expect(afterReplays.count == afterFirst.count)
            for (before, after) in zip(afterFirst, afterReplays) { #expect(before == after) }
        }
        marketData.signal(SIGTERM)
        #expect(await marketData.waitForExit(timeout: .seconds(10)) == 0, "\(marketData.output)")
    }

    private static func csvLine(_ trade: Trade, rfc3339: Bool) -> String {
        let time = rfc3339 ? RFC3339.string(from: Date(epochMilliseconds: trade.time)) : String(trade.time)
        return "\(time),\(trade.symbol),\(trade.price),\(trade.quantity),\(trade.side.rawValue),\(trade.id)"
    }

    private static func write(_ lines: [String], named name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try ([TradeCSV.header] + lines).joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private static func replay(_ file: String, environment: [String: String]) async throws -> (status: Int32?, output: String) {
        let process = try ServiceProcess("ballast", environment: environment)
        process.process.arguments = ["trades", "replay", "--as-fast-as-possible", file]
        try process.start()
        let status = await process.waitForExit(timeout: .seconds(60))
        return (status, process.output)
    }

    /// Waits until market-data's group has read everything on the stream and has nothing pending:
    /// entries are acknowledged only after their candles committed.
    private static func waitForCatchUp() async throws {
        guard let url = ProcessInfo.processInfo.environment["BALLAST_TEST_REDIS_URL"] else {
            throw E2EError("BALLAST_TEST_REDIS_URL is not set: run scripts/test")
        }
        let redis = RedisClient(endpoint: try RedisEndpoint(url: url, variable: "BALLAST_TEST_REDIS_URL"))
        let caughtUp = await poll(timeout: .seconds(60)) {
            guard let groups = try? await redis.send(RedisCommand("XINFO", "GROUPS", StreamName.trades)).array else { return false }
            for group in groups {
                // Each group: a flat list of names and values.
                guard let fields = group.array else { continue }
                var values: [String: RedisReply] = [:]
                for index in stride(from: 0, to: fields.count - 1, by: 2) {
                    if let name = fields[index].string { values[name] = fields[index + 1] }
                }
                if values["name"]?.string == ServiceName.marketData.rawValue {
                    return values["pending"]?.integer == 0 && values["lag"]?.integer == 0
                }
            }
            return false
        }
        #expect(caughtUp, "market-data did not catch up with ballast:trades")
    }

    /// The candles that hold trades, in key order, as text: flat candles depend on when the gap filler ran.
    private static func candles(of symbol: String, in database: PostgresClient) async throws -> [String] {
        let rows = try await database.query(
            """
            SELECT interval || ' ' || open_time || ' ' || open || ' ' || high || ' ' || low || ' ' || close || ' '
                || volume || ' ' || quote_volume || ' ' || trade_count
            FROM candles WHERE symbol = \(symbol) AND trade_count > 0 ORDER BY interval, open_time
            """
        )
        var candles: [String] = []
        for try await line in rows.decode(String.self) { candles.append(line) }
        return candles
    }

    /// Every interval counts each trade once and adds up its volume, computed here with `Decimal`.
    private static func checkTotals(_ candles: [String], against trades: [Trade]) throws {
        let expectedVolume = trades.reduce(Decimal(0)) { $0 + Decimal(string: "\($1.quantity)")! }
        for interval in CandleInterval.allCases {
            let rows = candles.map { $0.split(separator: " ") }.filter { $0[0] == interval.rawValue }
            let count = rows.reduce(0) { $0 + Int($1[8])! }
            let volume = rows.reduce(Decimal(0)) { $0 + Decimal(string: String($1[6]))! }
            #expect(count == trades.count, "\(interval.rawValue)")
            #expect(volume == expectedVolume, "\(interval.rawValue)")
        }
    }
}
