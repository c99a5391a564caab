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

@Suite("ballast serve: the services in one process")
struct MonolithProcessTests {
    /// Each module's consumer groups, jobs (a few of each) and what `/readyz` must name, as the split executables have them.
    static let groups: [(stream: String, groups: [ServiceName])] = [
        (StreamName.signals, [.signalProcessor]),
        (StreamName.trades, [.signalProcessor, .marketData]),
        (StreamName.rebalanceRequests, [.rebalancer]),
        (StreamName.events, [.notifier]),
    ]
    static let jobs: [(job: String, service: ServiceName)] = [
        ("outbox.purge", .ingest), ("orders.expire", .signalProcessor), ("portfolios.rebalance-due", .rebalancer),
        ("candles.fill-gaps", .marketData), ("deposits.credit", .deposits), ("webhooks.purge", .notifier),
    ]

    @Test(
        "ballast serve --modules all: a webhook alert taken by ingest fills at the market's last trade in the same process; /readyz shows every module, /jobs every module's jobs, each under its own service; SIGTERM exits 0"
    )
    func wholeStackInOneProcess() async throws {
        try await withOwnDatabase("monolith_e2e") { url in try await wholeStack(databaseURL: url) }
    }

    @Test(
        "ballast serve --modules background: the five workers answer on signal-processor's admin port, no public port, and stop together on SIGTERM"
    )
    func backgroundPreset() async throws {
        var environment = try ExecutableTests.environment()
        // Not the default Redis database: these workers would take other tests' signals and trades.
        environment["BALLAST_REDIS_URL"] = (environment["BALLAST_REDIS_URL"] ?? "").trimmingTrailingSlash() + "/4"
        environment["BALLAST_AUTO_MIGRATE"] = "1"
        let adminPort = try freePort()
        let publicPort = try freePort()
        environment[ServiceName.signalProcessor.adminPortVariable] = String(adminPort)
        environment["BALLAST_INGEST_PORT"] = String(publicPort)
        let process = try ServiceProcess("ballast", environment: environment)
        process.process.arguments = ["serve", "--modules", "background"]
        try process.start()
        defer { if process.process.isRunning { process.signal(SIGKILL) } }
        let ready = await poll(timeout: .seconds(30)) { await httpGet("http://127.0.0.1:\(adminPort)/readyz")?.status == 200 }
        try #require(ready, "ballast serve --modules background never became ready:\n\(process.output)")
        let readiness = await httpGet("http://127.0.0.1:\(adminPort)/readyz")?.body ?? ""
        let body = try #require(try JSONSerialization.jsonObject(with: Data(readiness.utf8)) as? [String: Any])
        #expect(
            Set((body["modules"] as? [String: Bool] ?? [:]).keys) == Set(ServiceName.allCases.filter { $0 != .ingest }.map(\.name)))
        #expect(await httpGet("http://127.0.0.1:\(publicPort)/api/v1/openapi.json") == nil, "nothing serves ingest's port")
        let started = ContinuousClock.now
        process.signal(SIGTERM)
        #expect(await process.waitForExit(timeout: .seconds(10)) == 0, "\(process.output)")
        // Each service stops as its own process would, all at once: not the sum of their stops.
        #expect(ContinuousClock.now - started < .seconds(6))
    }

    @Test(
        "ballast serve with an unknown module or no module exits 2 with one line naming what to use",
        arguments: ["nonsense", "ingest,nonsense", "", " , "]
    )
    func badModules(modules: String) async throws {
        let process = try ServiceProcess("ballast", environment: [:])
        process.process.arguments = ["serve", "--modules", modules]
        try process.start()
        #expect(await process.waitForExit(timeout: .seconds(10)) == 2, "\(process.output)")
        let lines = process.output.split(separator: "\n")
        #expect(lines.count == 1, "\(process.output)")
        #expect(process.output.hasPrefix("ballast: --modules"), "\(process.output)")
        #expect(process.output.contains("all, monolith, api, background or a comma list of ingest, signal-processor"))
        if modules.contains("nonsense") { #expect(process.output.contains("unknown module 'nonsense'"), "\(process.output)") }
    }

    private func wholeStack(databaseURL: String) async throws {
        var environment = try ExecutableTests.environment().merging(["BALLAST_DATABASE_URL": databaseURL]) { _, own in own }
        // A Redis database of its own: the split services other tests start share the default one's groups and would
        // take these signals and trades. Nothing else uses /5, so what an earlier run left there goes.
        let redisURL = (environment["BALLAST_REDIS_URL"] ?? "").trimmingTrailingSlash() + "/5"
        let redis = RedisClient(endpoint: try RedisEndpoint(url: redisURL, variable: "BALLAST_REDIS_URL"))
        _ = try await redis.send(RedisCommand("FLUSHDB"))
        environment["BALLAST_REDIS_URL"] = redisURL

        let user = "e2e-\(UUID().uuidString.prefix(8).lowercased())"
        var apiKey = ""
        for arguments in [
            ["migrate"], ["user", "create", user], ["account", "create", user, "--cash", "100000", "--slippage-bps", "0"],
            ["api-key", "create", "--user", user],
        ] {
            let command = try ServiceProcess("ballast", environment: environment)
            command.process.arguments = arguments
            try command.start()
            let status = await command.waitForExit(timeout: .seconds(60))
            guard status == 0 else {
                throw E2EError("ballast \(arguments.joined(separator: " ")) exited \(String(describing: status)):\n\(command.output)")
            }
            if arguments[0] == "api-key" { apiKey = command.output.split(separator: "\n").last.map(String.init) ?? "" }
        }

        let publicPort = try freePort()
        let adminPort = try freePort()
        let secret = "monolith-\(UUID().uuidString)"
        environment["BALLAST_INGEST_PORT"] = String(publicPort)
        environment[ServiceName.ingest.adminPortVariable] = String(adminPort)
        environment["BALLAST_WEBHOOK_SECRET"] = secret
        environment["BALLAST_WEBHOOK_USER"] = user
        environment["BALLAST_DATABASE_MAX_CONNECTIONS"] = "8"
        let monolith = try ServiceProcess("ballast", environment: environment)
        monolith.process.arguments = ["serve", "--modules", "all"]
        try monolith.start()
        defer { if monolith.process.isRunning { monolith.signal(SIGKILL) } }
        let admin = "http://127.0.0.1:\(adminPort)"
        let ready = await poll(timeout: .seconds(30)) { await httpGet("\(admin)/readyz")?.status == 200 }
        try #require(ready, "ballast serve never became ready:\n\(monolith.output)")

        // /readyz: every module ready, each module's consumer groups named after it.
        let readiness = try #require(await httpGet("\(admin)/readyz"))
        let body = try #require(try JSONSerialization.jsonObject(with: Data(readiness.body.utf8)) as? [String: Any])
        let modules = try #require(body["modules"] as? [String: Bool], "\(readiness.body)")
        #expect(modules == Dictionary(uniqueKeysWithValues: ServiceName.allCases.map { ($0.name, true) }), "\(readiness.body)")
        let checks = try #require(body["checks"] as? [String: Bool])
        for (stream, services) in Self.groups {
            for service in services {
                #expect(checks["\(service.name): group \(stream)"] == true, "\(readiness.body)")
                #expect(checks["\(service.name): consumer \(stream)"] ?? checks["\(service.name): consumer \(stream) #1"] == true)
            }
        }
        #expect(checks["schema"] == true && checks["outbox relay"] == true && checks["redis"] == true, "\(readiness.body)")
        #expect(await httpGet("\(admin)/healthz")?.status == 200)
        #expect(await httpGet("\(admin)/metrics")?.body.contains("ballast_outbox_relayed_total") == true)
        let groupsOnTrades = try await Self.groupNames(of: StreamName.trades, redis: redis)
        #expect(groupsOnTrades == ["market-data", "signal-processor"])

        // /jobs lists every module's jobs; each is registered under its own service, as JobRunner does in its executable.
        let jobsListed = await poll(timeout: .seconds(15)) {
            guard let listing = await httpGet("\(admin)/jobs"), listing.status == 200 else { return false }
            return Self.jobs.allSatisfy { listing.body.contains(#""name":"\#($0.job)""#) }
        }
        let listing = await httpGet("\(admin)/jobs")?.body ?? "no answer"
        #expect(jobsListed, "\(listing)")
        #expect(await httpGet("\(admin)/jobs/orders.expire")?.status == 200)
        #expect(await httpGet("\(admin)/jobs/no.such-job")?.status == 404)

        try await withDatabase(databaseURL) { [apiKey] database in
            let registered = await poll(timeout: .seconds(15)) {
                var owners: [String: String] = [:]
                let names = Self.jobs.map(\.job)
                guard let rows = try? await database.query("SELECT name, service FROM scheduled_jobs WHERE name = ANY(\(names))")
                else { return false }
                do {
                    for try await (name, service) in rows.decode((String, String).self) { owners[name] = service }
                } catch { return false }
                return Self.jobs.allSatisfy { owners[$0.job] == $0.service.name }
            }
            #expect(registered, "the jobs are not each registered under their own service")

            // The market: one trade at 123.45, taken by market-data (last price) in this process.
            let symbol = "M\(UUID().uuidString.prefix(8).uppercased())-USD"
            try await database.query("INSERT INTO market_symbols (symbol) VALUES (\(symbol)) ON CONFLICT DO NOTHING")
            let trade = try Trade(
                symbol: symbol, price: try #require(FixedDecimal("123.45")), quantity: try #require(FixedDecimal("1")), side: .sell,
                id: TradeID(1), time: Date().epochMilliseconds)
            _ = try await StreamProducer(client: redis, maxLength: 1_000_000).publish([
                (StreamName.trades, TradeMessage.envelope(for: trade))
            ])
            let priced = await poll(timeout: .seconds(15)) {
                let price = try? await redis.send(RedisCommand("GET", MarketKeys.price(symbol))).string
                return price.flatMap { FixedDecimal($0) } == FixedDecimal("123.45")
            }
            try #require(priced, "market-data did not record the last price:\n\(monolith.output)")

            // The alert: accepted by ingest, filled by signal-processor at the last trade, seen through the API.
            let alert = #"{"ticker":"\#(symbol)","action":"buy","size":"2","secret":"\#(secret)"}"#
            let accepted = try await httpCall(.POST, "http://127.0.0.1:\(publicPort)/webhook", body: alert)
            #expect(accepted.status == 201, "\(accepted.body)")
            let filled = await poll(timeout: .seconds(20)) {
                let fills = try? await httpCall(.GET, "http://127.0.0.1:\(publicPort)/api/v1/fills", apiKey: apiKey)
                return fills?.status == 200 && fills?.body.contains(symbol) == true
            }
            try #require(filled, "the signal was not filled:\n\(monolith.output)")
            let rows = try await database.query(
                """
                SELECT f.quantity::text, f.price::text FROM fills f
                JOIN paper_accounts a ON a.id = f.account_id JOIN users u ON u.id = a.user_id
                WHERE u.name = \(user) AND f.symbol = \(symbol)
                """)
            var fills: [(FixedDecimal?, FixedDecimal?)] = []
            for try await (quantity, price) in rows.decode((String, String).self) {
                fills.append((FixedDecimal(quantity), FixedDecimal(price)))
            }
            #expect(fills.count == 1)
            #expect(fills.first?.0 == FixedDecimal("2") && fills.first?.1 == FixedDecimal("123.45"), "\(fills)")
        }

        let started = ContinuousClock.now
        monolith.signal(SIGTERM)
        #expect(await monolith.waitForExit(timeout: .seconds(12)) == 0, "ballast serve did not exit 0:\n\(monolith.output)")
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    /// The consumer groups on `stream`, sorted.
    private static func groupNames(of stream: String, redis: RedisClient) async throws -> [String] {
        let groups = try await redis.send(RedisCommand("XINFO", "GROUPS", stream)).array ?? []
        return groups.compactMap { group -> String? in
            // Each group: a flat list of names and values.
            guard let fields = group.array else { return nil }
            for index in stride(from: 0, to: fields.count - 1, by: 2) where fields[index].string == "name" {
                return fields[index + 1].string
            }
            return nil
        }.sorted()
    }
}

extension String {
    fileprivate func trimmingTrailingSlash() -> String { hasSuffix("/") ? String(dropLast()) : self }
}
