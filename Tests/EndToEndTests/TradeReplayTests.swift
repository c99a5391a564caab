import BallastCore
import BallastMarket
import BallastRedis
import BallastTestSupport
import Foundation
import PostgresNIO
import Testing

@Suite("ballast trades replay into a running market-data")
struct TradeReplayTests {
    @Test("a CSV replayed in order, again, then shuffled gives the same candles; a bad line is reported and skipped")
    func replayTwiceAndShuffled() async throws {
        let symbol = "R\(UUID().uuidString.prefix(8).uppercased())-USD"
        let (marketData, environment) = try await Self.startMarketData()

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
        #expect(first.status == 3, "a skipped line shows in the exit code: \(first.output)")
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
            #expect(again.status == 3, "\(again.output)")
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

    @Test(
        "a CRLF file with text trade ids, replayed twice and shuffled, gives the candles of an LF file with the same trades; bad lines are named and exit 3"
    )
    func crlfFileWithTextTradeIDs() async throws {
        let tag = UUID().uuidString.prefix(8).uppercased()
        let crlfSymbol = "C\(tag)-USD"
        let lfSymbol = "L\(tag)-USD"
        let (marketData, environment) = try await Self.startMarketData()

        // Two hours of trades ending an hour ago, three to a millisecond, so the ids decide open and close; the ids
        // as venues write them: Kraken's, UUIDs, numbers.
        var market = SimulatedMarket(symbols: [crlfSymbol], seed: 17, firstTradeID: 1)
        let start = Date().epochMilliseconds - 3 * 3_600_000
        let trades = try (0..<600).map { index in
            let simulated = market.nextTrade(at: start + Int64(index / 3) * 36_000)
            return try Trade(
                symbol: crlfSymbol, price: simulated.price, quantity: simulated.quantity, side: simulated.side,
                id: TradeID(Self.venueID(index)), time: simulated.time)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // As spreadsheets and Python's csv write it: a byte order mark, CRLF, every field quoted.
        let quoted = trades.map { trade in
            Self.csvLine(trade, rfc3339: false).split(separator: ",", omittingEmptySubsequences: false).map { "\"\($0)\"" }
                .joined(separator: ",")
        }
        let crlfFile = try Self.write(
            "\u{FEFF}" + ([TradeCSV.header] + quoted).joined(separator: "\r\n") + "\r\n", named: "crlf.csv", in: directory)
        var generator = SplitMix64(seed: 9)
        let shuffled = trades.shuffled(using: &generator).map { Self.csvLine($0, rfc3339: true) }
        let shuffledFile = try Self.write(([TradeCSV.header] + shuffled).joined(separator: "\r\n"), named: "shuffled.csv", in: directory)
        let lfTrades = try trades.map {
            try Trade(symbol: lfSymbol, price: $0.price, quantity: $0.quantity, side: $0.side, id: $0.id, time: $0.time)
        }
        let lfFile = try Self.write(
            ([TradeCSV.header] + lfTrades.map { Self.csvLine($0, rfc3339: false) }).joined(separator: "\n") + "\n", named: "lf.csv",
            in: directory)

        for file in [crlfFile, crlfFile, shuffledFile, lfFile] {
            let run = try await Self.replay(file, environment: environment)
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("published 600 trades to ballast:trades; skipped 0 bad lines"), "\(run.output)")
        }

        // Bad lines: each named by the line it starts on, with the reason; exit code 3, the good lines published. The
        // stray quote on line 5 costs line 5 only: the line after it is read again, and published.
        let badFile = try Self.write(
            [
                TradeCSV.header, quoted[0], "\(start),\(crlfSymbol),1,1,buy,\"two\r\nlines\"",
                "\(start),\"\(crlfSymbol),1,1,buy,T-STRAY", quoted[1], "\(start),\(crlfSymbol),1,1,buy,a b",
                "\(start),\(crlfSymbol),1,1,buy",
            ].joined(separator: "\r\n"), named: "bad.csv", in: directory)
        let bad = try await Self.replay(badFile, environment: environment)
        #expect(bad.status == 3, "\(bad.output)")
        #expect(bad.output.contains("published 2 trades to ballast:trades; skipped 4 bad lines"), "\(bad.output)")
        #expect(bad.output.contains("bad.csv:3: the trade id may hold only visible ASCII characters"), "\(bad.output)")
        #expect(bad.output.contains("bad.csv:5: unclosed quote in field 2: the field runs onto the next lines"), "\(bad.output)")
        #expect(bad.output.contains("bad.csv:7: the trade id may hold only visible ASCII characters"), "\(bad.output)")
        #expect(bad.output.contains("bad.csv:8: expected 6 fields, got 5; skipped"), "\(bad.output)")

        try await withTestDatabase { database in
            let stored = await poll(timeout: .seconds(60)) {
                let crlf = try? await count("SELECT count(*) FROM trades WHERE symbol = \(crlfSymbol)", in: database)
                let lf = try? await count("SELECT count(*) FROM trades WHERE symbol = \(lfSymbol)", in: database)
                return crlf == trades.count && lf == trades.count
            }
            try #require(stored, "market-data did not store the trades:\n\(marketData.output)")
            try await Self.waitForCatchUp()

            let ids = try await database.query("SELECT trade_id FROM trades WHERE symbol = \(crlfSymbol)")
            var storedIDs: Set<String> = []
            for try await id in ids.decode(String.self) { storedIDs.insert(id) }
            #expect(storedIDs == Set(trades.map(\.id.description)))

            let crlfCandles = try await Self.candlesWithTrades(of: crlfSymbol, in: database)
            let lfCandles = try await Self.candlesWithTrades(of: lfSymbol, in: database)
            #expect(!crlfCandles.isEmpty)
            #expect(crlfCandles.count == lfCandles.count)
            // The numbers' scale depends on how batches summed them: compared trimmed, one line per difference.
            for (crlf, lf) in zip(crlfCandles, lfCandles) where crlf != lf { Issue.record("CRLF \(crlf) != LF \(lf)") }
            try Self.checkTotals(try await Self.candles(of: crlfSymbol, in: database), against: trades)
            // Open and close follow the least and greatest trade by (time, id) of each minute.
            for candle in crlfCandles where candle.hasPrefix("1m ") {
                let fields = candle.split(separator: " ")
                let openTime = Int64(fields[1]) ?? 0
                let minute = trades.filter { $0.time >= openTime && $0.time < openTime + 60_000 }.map(\.stamp)
                #expect(fields[9] == "\(minute.min()?.id.description ?? "")", "\(candle)")
                #expect(fields[10] == "\(minute.max()?.id.description ?? "")", "\(candle)")
            }
        }
        marketData.signal(SIGTERM)
        #expect(await marketData.waitForExit(timeout: .seconds(10)) == 0, "\(marketData.output)")
    }

    /// A venue's id for the `index`th trade: Kraken's form, a UUID or a number, in turn.
    private static func venueID(_ index: Int) -> String {
        switch index % 3 {
        case 0:
            let digits = String(index * 7_919 + 1_000_003, radix: 36, uppercase: true)
            let body = String(repeating: "0", count: max(0, 16 - digits.count)) + digits
            return "T\(body.prefix(5))-\(body.dropFirst(5).prefix(5))-\(body.suffix(6))"
        case 1: return UUID().uuidString.lowercased()
        default: return String(900 + index * 13 % 200)
        }
    }

    private static func startMarketData() async throws -> (ServiceProcess, [String: String]) {
        var environment = try ExecutableTests.environment()
        environment["BALLAST_AUTO_MIGRATE"] = "1"
        environment["BALLAST_CONSUMER_BATCH_SIZE"] = "100"
        let port = try freePort()
        environment[ServiceName.marketData.adminPortVariable] = String(port)
        let marketData = try ServiceProcess("market-data", environment: environment)
        try marketData.start()
        let ready = await poll(timeout: .seconds(30)) { await httpGet("http://127.0.0.1:\(port)/readyz")?.status == 200 }
        try #require(ready, "market-data never became ready:\n\(marketData.output)")
        return (marketData, environment)
    }

    /// The candles that hold trades, in key order, with their first and last trades, without the symbol; numbers trimmed.
    private static func candlesWithTrades(of symbol: String, in database: PostgresClient) async throws -> [String] {
        let rows = try await database.query(
            """
            SELECT interval || ' ' || open_time || ' ' || trim_scale(open) || ' ' || trim_scale(high) || ' ' || trim_scale(low)
                || ' ' || trim_scale(close) || ' ' || trim_scale(volume) || ' ' || trim_scale(quote_volume) || ' ' || trade_count
                || ' ' || first_trade_id || ' ' || last_trade_id || ' ' || first_trade_time || ' ' || last_trade_time || ' '
                || trim_scale(last_quantity)
            FROM candles WHERE symbol = \(symbol) AND trade_count > 0 ORDER BY interval, open_time
            """
        )
        var candles: [String] = []
        for try await line in rows.decode(String.self) { candles.append(line) }
        return candles
    }

    private static func csvLine(_ trade: Trade, rfc3339: Bool) -> String {
        let time = rfc3339 ? RFC3339.string(from: Date(epochMilliseconds: trade.time)) : String(trade.time)
        return "\(time),\(trade.symbol),\(trade.price),\(trade.quantity),\(trade.side.rawValue),\(trade.id)"
    }

    private static func write(_ lines: [String], named name: String, in directory: URL) throws -> String {
        try write(([TradeCSV.header] + lines).joined(separator: "\n"), named: name, in: directory)
    }

    private static func write(_ text: String, named name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
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
