import BallastCore
import BallastPortfolios
import BallastPostgres
import BallastRedis
import BallastTrading
import Foundation
import Logging
import PostgresNIO

/// The drift monitor's scan as the rebalancer runs it (`DriftMonitor`): PORTFOLIOS portfolios of ASSETS assets stored
/// in PostgreSQL (portfolios, their accounts and balances, seeded with SQL), prices in Redis; pages of 1,000 with
/// their holdings, one `MGET` of prices per page, valued in fixed point; a quarter drifted, so the first scan records
/// that many crossings (events and runs, through the outbox). The baseline, in the same run: one full read of the
/// same balance rows (`SELECT count(*), sum(available) FROM balances`), the floor any scan pays. CPU per portfolio
/// of the benchmark process (the monitor) and of PostgreSQL, from /proc.
func runDatabaseScan(databaseURL: String, redisURL: String, environment: [String: String]) async throws {
    let portfolioCount = Int(environment["BENCH_PORTFOLIOS"] ?? "") ?? 100_000
    let assetCount = Int(environment["BENCH_ASSETS"] ?? "") ?? 10
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    let endpoint = try PostgresEndpoint(url: databaseURL, variable: "BENCH_DATABASE_URL")
    let database = Database.makeClient(endpoint, maxConnections: 4, logger: logger)
    let redis = RedisClient(endpoint: try RedisEndpoint(url: redisURL, variable: "BENCH_REDIS_URL"))
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await database.run() }
        defer { group.cancelAll() }
        try await Migrator(client: database, logger: logger).migrate()
        let seedStart = ContinuousClock.now
        try await seed(database, portfolios: portfolioCount, assets: assetCount)
        for asset in 0..<assetCount {
            _ = try await redis.pipeline([
                RedisCommand("SET", MarketKeys.price("A\(asset)-USD"), "\(100 * (asset + 1))"),
                RedisCommand("SET", MarketKeys.priceTime("A\(asset)-USD"), String(Date().epochMilliseconds)),
            ])
        }
        print(
            String(
                format: "seeded %d portfolios x %d assets in %.1f s", portfolioCount, assetCount,
                (ContinuousClock.now - seedStart).inSeconds))
        try await database.query("VACUUM ANALYZE balances", logger: logger)
        try await database.query("VACUUM ANALYZE portfolios", logger: logger)

        let baseline = try await ContinuousClock().measure {
            for try await _ in try await database.query("SELECT count(*), sum(available) FROM balances", logger: logger).decode(
                (Int, Decimal).self)
            {}
        }
        let monitor = DriftMonitor(
            portfolios: PortfolioMonitorStore(database: database, logger: logger),
            valuer: PortfolioValuer(database: database, prices: MarketPrices(redis: redis), logger: logger), maxPriceAge: .seconds(3_600),
            dryRun: false)
        let (first, firstCPU) = try await measured { try await monitor.scan() }
        // The first scan's writes (25,000 runs, their messages and events, the marked portfolios) are vacuumed first, so
        // that the steady-state figure is the scan's own and not autovacuum's, which counts as PostgreSQL CPU too.
        for table in ["portfolios", "rebalance_runs", "outbox"] {
            try await database.query(PostgresQuery(unsafeSQL: "VACUUM ANALYZE \(table)"), logger: logger)
        }
        let (second, secondCPU) = try await measured { try await monitor.scan() }
        print(String(format: "baseline_full_read_of_balances_seconds %.3f", baseline.inSeconds))
        print(
            String(
                format: "db_drift_scan_seconds %.3f (first scan: %d valued, %d over, %d crossings recorded; target < 2 for 100,000 x 10)",
                first.seconds, first.scanned, first.over, first.runsRequested))
        print(String(format: "db_drift_scan_ratio_to_baseline %.2f", first.seconds / baseline.inSeconds))
        print(
            String(
                format: "cpu_us_per_portfolio first scan: monitor %.1f postgres %.1f", firstCPU.monitor * 1e6 / Double(portfolioCount),
                firstCPU.postgres * 1e6 / Double(portfolioCount)))
        print(
            String(
                format:
                    "db_drift_scan_again_seconds %.3f (%d crossings: once per crossing; cpu_us_per_portfolio monitor %.1f postgres %.1f)",
                second.seconds, second.runsRequested, secondCPU.monitor * 1e6 / Double(portfolioCount),
                secondCPU.postgres * 1e6 / Double(portfolioCount)))
    }
}

/// One user owning every portfolio, each with its account and a balance per asset worth about 10,000 USD (within
/// 1 %), the first asset three times that in every fourth portfolio.
private func seed(_ database: PostgresClient, portfolios count: Int, assets: Int) async throws {
    let weight = 100 / Double(assets)
    let weights = "{" + (0..<assets).map { "\"A\($0)\":\"\(String(format: "%.8f", weight))\"" }.joined(separator: ",") + "}"
    let logger = Logger(label: "bench")
    try await database.query("INSERT INTO users (name) VALUES ('bench') ON CONFLICT DO NOTHING", logger: logger)
    try await database.query(
        """
        INSERT INTO paper_accounts (id, user_id, portfolio_id, quote_currency)
        SELECT md5('a' || g)::uuid, (SELECT id FROM users WHERE name = 'bench'), md5('p' || g)::uuid, 'USD'
        FROM generate_series(1, \(count)) g
        """,
        logger: logger)
    try await database.query(
        """
        INSERT INTO portfolios (id, user_id, account_id, name, quote_currency, target_weights, method, schedule_interval, schedule,
            time_zone, drift_threshold, rebalance_to, min_trade_value)
        SELECT md5('p' || g)::uuid, (SELECT id FROM users WHERE name = 'bench'), md5('a' || g)::uuid, 'p' || g, 'USD',
            \(weights)::jsonb, 'drift', 'daily', '0 0 * * *', 'UTC', 5, 'target', 10
        FROM generate_series(1, \(count)) g
        """,
        logger: logger)
    try await database.query(
        """
        INSERT INTO balances (account_id, asset, available)
        SELECT md5('a' || g)::uuid, 'A' || k,
            round((10000 + (hashint4((g * 16 + k)::int4) % 100))::numeric * (CASE WHEN g % 4 = 0 AND k = 0 THEN 3 ELSE 1 END) / (100 * (k + 1)), 8)
        FROM generate_series(1, \(count)) g, generate_series(0, \(assets - 1)) k
        """,
        logger: logger)
}

/// `body`'s result and the CPU seconds it took in this process and in PostgreSQL.
private func measured<Value>(_ body: () async throws -> Value) async throws -> (Value, (monitor: Double, postgres: Double)) {
    let postgresBefore = postgresTicks()
    let ownBefore = clock()
    let value = try await body()
    let own = Double(clock() - ownBefore) / Double(CLOCKS_PER_SEC)
    let postgres = Double(postgresTicks() - postgresBefore) / Double(sysconf(Int32(_SC_CLK_TCK)))
    return (value, (own, postgres))
}

/// User and system CPU ticks of every PostgreSQL process.
private func postgresTicks() -> Int {
    var total = 0
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where entry.allSatisfy(\.isNumber) {
        guard let comm = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8), comm.hasPrefix("postgres"),
            let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { continue }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state is field 3; utime and stime are fields 14 and 15.
        if fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) { total += user + system }
    }
    return total
}
