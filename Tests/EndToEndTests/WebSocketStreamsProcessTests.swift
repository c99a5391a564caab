import AsyncHTTPClient
import BallastCore
import BallastMarket
import BallastRedis
import BallastTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import PostgresNIO
import Testing

/// Issue 22's streams as a trader's tool sees them: built executables, real sockets, a real WebSocket client.
@Suite("WebSocket streams across processes")
struct WebSocketStreamsProcessTests {
    /// A running service: its process and the ports it answers on.
    private struct Started {
        let process: ServiceProcess
        let publicPort: Int
        let adminPort: Int
    }

    @Test(
        "ballast serve --modules all: alice's user stream, opened before any signal, carries her signals' and fills' events exactly as on ballast:events, in order, and nothing of bob's, whose signal filled meanwhile"
    )
    func userStreamCarriesOwnEventsOnly() async throws {
        try await withOwnDatabase("ws_user_e2e") { url in try await userStream(databaseURL: url) }
    }

    @Test(
        "trades taken by the monolith's market-data reach a subscriber of a separate ingest process: @trade frames in publish order with their ids, then @kline_1m, the last equal to that ingest's /api/v1/klines"
    )
    func marketStreamsAcrossInstances() async throws {
        try await withOwnDatabase("ws_market_e2e") { url in try await marketStreams(databaseURL: url) }
    }

    // MARK: The user stream

    private func userStream(databaseURL: String) async throws {
        // Redis database 8 is this test's alone: the split services other tests start would take these signals.
        let (environment, redis) = try await Self.isolatedEnvironment(databaseURL: databaseURL, redisDatabase: 8)
        let tag = UUID().uuidString.prefix(8).lowercased()
        let aliceName = "alice-\(tag)"
        let bobName = "bob-\(tag)"
        _ = try await Self.runCLI(["migrate"], environment: environment)
        var keys: [String: String] = [:]
        for user in [aliceName, bobName] {
            _ = try await Self.runCLI(["user", "create", user], environment: environment)
            _ = try await Self.runCLI(
                ["account", "create", user, "--cash", "100000", "--slippage-bps", "0"], environment: environment)
            let output = try await Self.runCLI(["api-key", "create", "--user", user], environment: environment)
            keys[user] = output.split(separator: "\n").last.map(String.init) ?? ""
        }
        let aliceKey = try #require(keys[aliceName])
        let bobKey = try #require(keys[bobName])

        let monolith = try await Self.start("ballast", arguments: ["serve", "--modules", "all"], environment: environment)
        defer { if monolith.process.process.isRunning { monolith.process.signal(SIGKILL) } }
        let api = "http://127.0.0.1:\(monolith.publicPort)"

        try await withDatabase(databaseURL) { [aliceKey, bobKey] database in
            let alice = try await Self.userID(named: aliceName, in: database)
            let bob = try await Self.userID(named: bobName, in: database)
            let symbol = "W\(UUID().uuidString.prefix(8).uppercased())-USD"
            try await Self.seedPrice(of: symbol, at: "250.5", redis: redis, database: database, service: monolith.process)
            let aliceSource = try await Self.createSource(api: api, apiKey: aliceKey)
            let bobSource = try await Self.createSource(api: api, apiKey: bobKey)

            // Alice's stream opens before anything happens to her: what was on ballast:events before is not hers to see.
            let before = try await Self.events(in: redis).count
            let opened = try await httpCall(.POST, "\(api)/api/v1/userDataStream", apiKey: aliceKey)
            try #require(opened.status == 200, "\(opened.body)")
            guard case .string(let listenKey)? = try JSONValue(parsing: opened.body.utf8)["listenKey"] else {
                Issue.record("no listenKey in \(opened.body)")
                return
            }
            #expect(listenKey.count == 60)
            let client = WebSocketTestClient("ws://127.0.0.1:\(monolith.publicPort)/ws/\(listenKey)")
            defer { Task { [client] in await client.stop() } }
            let subscriptions = await client.waitUntilSubscribed()
            try #require(
                subscriptions?.hasPrefix(#"{"result":["\#(listenKey)"]"#) == true,
                "the user stream did not open: \(client.messages), close \(String(describing: client.close)), \(client.failure ?? "")")

            // Alice's signal and Bob's, one after the other; both fill.
            try await Self.postSignal(api: api, source: aliceSource, symbol: symbol, size: "2")
            try await Self.postSignal(api: api, source: bobSource, symbol: symbol, size: "3")
            let bobFilled = await poll(timeout: .seconds(30)) {
                let bobEvents = (try? await Self.events(in: redis))?.dropFirst(before).filter { Self.user(of: $0.body) == bob } ?? []
                let types = Set(bobEvents.map { Self.eventType(of: $0.body) })
                return types.isSuperset(of: ["order.filled", "trade.executed", "position.opened"])
            }
            try #require(bobFilled, "bob's signal did not fill:\n\(monolith.process.output)")

            // Another of Alice's signals, after all of Bob's events: once her stream shows it, it has read past his.
            try await Self.postSignal(api: api, source: aliceSource, symbol: symbol, size: "1")
            var expected: [String] = []
            let delivered = await poll(timeout: .seconds(30)) {
                guard let entries = try? await Self.events(in: redis).dropFirst(before) else { return false }
                guard let lastOfBob = entries.lastIndex(where: { Self.user(of: $0.body) == bob }),
                    entries[lastOfBob...].contains(where: { Self.user(of: $0.body) == alice })
                else { return false }
                expected = entries.filter { Self.user(of: $0.body) == alice }.map(\.body)
                return client.streamFrames == expected
            }
            let frames = client.streamFrames
            #expect(delivered, "alice's stream \(frames) is not her events on ballast:events \(expected)")
            let types = frames.map(Self.eventType(of:))
            for type in ["signal.received", "order.created", "order.filled", "trade.executed", "position.opened"] {
                #expect(types.contains(type), "no \(type) among \(types)")
            }
            #expect(types.firstIndex(of: "signal.received") ?? .max < types.firstIndex(of: "order.filled") ?? -1, "\(types)")
            for frame in frames {
                #expect(Self.user(of: frame) == alice, "\(frame)")
                #expect(!frame.lowercased().contains(bob.uuidString.lowercased()), "bob's id in alice's stream: \(frame)")
                #expect(!frame.contains(bobSource.id), "bob's source in alice's stream: \(frame)")
            }
            #expect(!client.ended, "the stream closed: \(String(describing: client.close)) \(client.failure ?? "")")
        }

        monolith.process.signal(SIGTERM)
        #expect(await monolith.process.waitForExit(timeout: .seconds(15)) == 0, "ballast serve did not exit 0:\n\(monolith.process.output)")
    }

    // MARK: Market streams on another instance

    private func marketStreams(databaseURL: String) async throws {
        // Redis database 10 is this test's alone: another market-data on the same group would take these trades.
        let (environment, redis) = try await Self.isolatedEnvironment(databaseURL: databaseURL, redisDatabase: 10)
        let user = "carol-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await Self.runCLI(["migrate"], environment: environment)
        _ = try await Self.runCLI(["user", "create", user], environment: environment)
        let apiKey =
            try await Self.runCLI(["api-key", "create", "--user", user], environment: environment)
            .split(separator: "\n").last.map(String.init) ?? ""
        let symbol = "K\(UUID().uuidString.prefix(8).uppercased())-USD"
        try await withDatabase(databaseURL) { database in
            try await database.query("INSERT INTO market_symbols (symbol) VALUES (\(symbol)) ON CONFLICT DO NOTHING")
        }

        // The monolith consumes the trades (its market-data); the subscriber is on a plain ingest, which reads no trades.
        async let startedMonolith = Self.start("ballast", arguments: ["serve", "--modules", "all"], environment: environment)
        async let startedIngest = Self.start("ingest", arguments: [], environment: environment)
        let (monolith, ingest) = try await (startedMonolith, startedIngest)
        defer {
            for started in [monolith, ingest] where started.process.process.isRunning { started.process.signal(SIGKILL) }
        }

        let name = symbol.lowercased()
        let client = WebSocketTestClient("ws://127.0.0.1:\(ingest.publicPort)/stream?streams=\(name)@trade/\(name)@kline_1m")
        defer { Task { [client] in await client.stop() } }
        let subscriptions = await client.waitUntilSubscribed()
        try #require(
            subscriptions?.hasPrefix(#"{"result":["\#(name)@trade","\#(name)@kline_1m"]"#) == true
                || subscriptions?.hasPrefix(#"{"result":["\#(name)@kline_1m","\#(name)@trade"]"#) == true,
            "the market streams did not open: \(client.messages), close \(String(describing: client.close)), \(client.failure ?? "")")

        // Five trades of a minute an hour ago, in one publish: the minute has ended, so its kline is final.
        var market = SimulatedMarket(symbols: [symbol], seed: 22, firstTradeID: 101)
        let minute = (Date().epochMilliseconds / 60_000 - 60) * 60_000
        let trades = (0..<5).map { market.nextTrade(at: minute + Int64($0) * 7_000) }
        _ = try await StreamProducer(client: redis).publish(trades.map { (StreamName.trades, TradeMessage.envelope(for: $0)) })

        let tradeStream = "\(name)@trade"
        let klineStream = "\(name)@kline_1m"
        var frames: [JSONValue] = []
        let arrived = await poll(timeout: .seconds(30)) {
            frames = client.streamFrames.compactMap { try? JSONValue(parsing: $0.utf8) }
            return frames.filter { $0["stream"] == .string(tradeStream) }.count >= trades.count
                && frames.last?["stream"] == .string(klineStream) && frames.last?["data"]?["k"]?["n"] == .number("\(trades.count)")
        }
        #expect(
            arrived,
            "frames on the separate ingest: \(client.messages)\nmonolith:\n\(monolith.process.output)\ningest:\n\(ingest.process.output)")
        let streams = frames.map { frame -> String in
            if case .string(let stream)? = frame["stream"] { return stream }
            return "?"
        }
        #expect(Set(streams) == [tradeStream, klineStream], "\(client.messages)")
        #expect(streams.first == tradeStream, "a kline before any trade: \(streams)")
        let tradeFrames = frames.compactMap { $0["data"] }.filter { $0["e"] == .string("trade") }
        let tradeIDs = tradeFrames.compactMap { $0["t"] }
        let published: [JSONValue] = trades.map { .number($0.id.description) }
        #expect(tradeIDs.count == published.count && Set(tradeIDs.map(\.serialized)) == Set(published.map(\.serialized)))
        // Binance's order, which a client's candle or tape builder relies on: the order the trades were published in.
        #expect(tradeIDs == published, "@trade frames out of the order the trades were published in: \(client.messages)")
        for trade in trades {
            let frame = tradeFrames.first { $0["t"] == .number(trade.id.description) }
            guard case .string(let price)? = frame?["p"], case .string(let quantity)? = frame?["q"] else { continue }
            #expect(
                FixedDecimal(price) == trade.price && FixedDecimal(quantity) == trade.quantity, "\(frame?.serialized ?? "") for \(trade)")
            #expect(frame?["T"] == .number("\(trade.time)"), "\(frame?.serialized ?? "")")
        }

        // The final kline is the candle ingest answers on /api/v1/klines, from whichever of its cache or Postgres.
        let last = try #require(frames.last?["data"]?["k"])
        #expect(last["x"] == .bool(true), "\(last.serialized)")
        #expect(last["t"] == .number("\(minute)"), "\(last.serialized)")
        let klines = try await httpCall(
            .GET, "http://127.0.0.1:\(ingest.publicPort)/api/v1/klines?symbol=\(symbol)&interval=1m&startTime=\(minute)&endTime=\(minute)",
            apiKey: apiKey)
        #expect(klines.status == 200, "\(klines.body)")
        guard case .array(let rows) = try JSONValue(parsing: klines.body.utf8), rows.count == 1, case .array(let row) = rows[0] else {
            Issue.record("not one kline: \(klines.body)")
            return
        }
        // [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades]
        let fromFrame: [JSONValue?] = [last["t"], last["o"], last["h"], last["l"], last["c"], last["v"], last["T"], last["q"], last["n"]]
        #expect(fromFrame == row.prefix(9).map { Optional($0) }, "frame \(last.serialized), /api/v1/klines \(klines.body)")
        #expect(!client.ended, "the stream closed: \(String(describing: client.close)) \(client.failure ?? "")")

        for started in [monolith, ingest] { started.process.signal(SIGTERM) }
        for started in [monolith, ingest] {
            #expect(
                await started.process.waitForExit(timeout: .seconds(15)) == 0,
                "\(started.process.name) did not exit 0:\n\(started.process.output)")
        }
    }

    // MARK: Processes

    /// The test servers' environment with `databaseURL` and a Redis database of the test's own, emptied of what an earlier
    /// run left there (consumer groups with old entries pending).
    private static func isolatedEnvironment(databaseURL: String, redisDatabase: Int) async throws -> ([String: String], RedisClient) {
        var environment = try ExecutableTests.environment()
        environment["BALLAST_DATABASE_URL"] = databaseURL
        var redisURL = environment["BALLAST_REDIS_URL"] ?? ""
        if redisURL.hasSuffix("/") { redisURL.removeLast() }
        redisURL += "/\(redisDatabase)"
        environment["BALLAST_REDIS_URL"] = redisURL
        environment["BALLAST_DATABASE_MAX_CONNECTIONS"] = "8"
        let redis = RedisClient(endpoint: try RedisEndpoint(url: redisURL, variable: "BALLAST_REDIS_URL"))
        _ = try await redis.send(RedisCommand("FLUSHDB"))
        return (environment, redis)
    }

    /// Runs `ballast <arguments>` to its end and returns its output; anything but exit 0 fails the test with that output.
    private static func runCLI(_ arguments: [String], environment: [String: String]) async throws -> String {
        let command = try ServiceProcess("ballast", environment: environment)
        command.process.arguments = arguments
        try command.start()
        let status = await command.waitForExit(timeout: .seconds(60))
        guard status == 0 else {
            throw E2EError("ballast \(arguments.joined(separator: " ")) exited \(String(describing: status)):\n\(command.output)")
        }
        return command.output
    }

    /// Starts `executable` on ports of its own (ingest's public and admin ports, which `ballast serve --modules all`
    /// uses for the whole process) and waits for its `/readyz`.
    private static func start(_ executable: String, arguments: [String], environment: [String: String]) async throws -> Started {
        var own = environment
        let publicPort = try freePort()
        let adminPort = try freePort()
        own["BALLAST_INGEST_PORT"] = String(publicPort)
        own[ServiceName.ingest.adminPortVariable] = String(adminPort)
        let process = try ServiceProcess(executable, environment: own)
        process.process.arguments = arguments
        try process.start()
        let ready = await poll(timeout: .seconds(40)) { await httpGet("http://127.0.0.1:\(adminPort)/readyz")?.status == 200 }
        guard ready else {
            process.signal(SIGKILL)
            throw E2EError("\(executable) \(arguments.joined(separator: " ")) never became ready:\n\(process.output)")
        }
        return Started(process: process, publicPort: publicPort, adminPort: adminPort)
    }

    // MARK: The market and signals

    /// Makes `symbol` known with a last trade at `price` now, and waits for market-data to record the price.
    private static func seedPrice(
        of symbol: String, at price: String, redis: RedisClient, database: PostgresClient, service: ServiceProcess
    ) async throws {
        try await database.query("INSERT INTO market_symbols (symbol) VALUES (\(symbol)) ON CONFLICT DO NOTHING")
        let trade = try Trade(
            symbol: symbol, price: try #require(FixedDecimal(price)), quantity: try #require(FixedDecimal("1")), side: .sell,
            id: TradeID(1), time: Date().epochMilliseconds)
        _ = try await StreamProducer(client: redis).publish([(StreamName.trades, TradeMessage.envelope(for: trade))])
        let priced = await poll(timeout: .seconds(20)) {
            let recorded = try? await redis.send(RedisCommand("GET", MarketKeys.price(symbol))).string
            return recorded.flatMap { FixedDecimal($0) } == FixedDecimal(price)
        }
        try #require(priced, "market-data did not record the last price:\n\(service.output)")
    }

    private struct Source {
        let id: String
        let secret: String
    }

    /// A signal source of the key's owner, created through the API.
    private static func createSource(api: String, apiKey: String) async throws -> Source {
        let created = try await httpCall(.POST, "\(api)/api/v1/sources", body: #"{"name":"websocket-e2e"}"#, apiKey: apiKey)
        let body = try JSONValue(parsing: created.body.utf8)
        guard created.status == 201, case .string(let id)? = body["id"], case .string(let secret)? = body["secret"] else {
            throw E2EError("POST /api/v1/sources answered \(created.status): \(created.body)")
        }
        return Source(id: id, secret: secret)
    }

    /// A TradingView-style market buy of `size` on the source's webhook.
    private static func postSignal(api: String, source: Source, symbol: String, size: String) async throws {
        let alert = #"{"ticker":"\#(symbol)","action":"buy","size":"\#(size)","secret":"\#(source.secret)"}"#
        let accepted = try await httpCall(.POST, "\(api)/webhook/\(source.id)", body: alert)
        #expect(accepted.status == 201, "\(accepted.body)")
    }

    // MARK: Reading what was published

    /// Every entry of `ballast:events`, oldest first: its entry id and the event body (what user streams and webhooks send).
    private static func events(in redis: RedisClient) async throws -> [(id: String, body: String)] {
        let entries = try await redis.send(RedisCommand("XRANGE", StreamName.events, "-", "+")).array ?? []
        return entries.compactMap { entry in
            guard let parts = entry.array, parts.count == 2, let id = parts[0].string, let fields = parts[1].array else { return nil }
            for index in stride(from: 0, to: fields.count - 1, by: 2) where fields[index].string == EnvelopeField.data {
                return fields[index + 1].string.map { (id, $0) }
            }
            return nil
        }
    }

    private static func user(of body: String) -> UUID? {
        guard case .string(let text)? = try? JSONValue(parsing: body.utf8)["userId"] else { return nil }
        return UUID(uuidString: text)
    }

    private static func eventType(of body: String) -> String {
        guard case .string(let type)? = try? JSONValue(parsing: body.utf8)["event"] else { return "?" }
        return type
    }

    private static func userID(named name: String, in database: PostgresClient) async throws -> UUID {
        let rows = try await database.query("SELECT id FROM users WHERE name = \(name)")
        for try await id in rows.decode(UUID.self) { return id }
        throw E2EError("no user \(name)")
    }
}
