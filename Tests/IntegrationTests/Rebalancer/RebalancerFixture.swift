import BallastCore
import BallastMarket
import BallastPortfolios
import BallastRedis
import BallastTrading
import Foundation
import PostgresNIO
import Testing

@testable import Rebalancer

/// A user with a portfolio of two assets (each fixture its own, since Redis is shared by the tests running at
/// once), their prices in Redis, and the rebalancer's parts, on a fresh database.
struct RebalancerFixture {
    let database: PostgresClient
    let redis: RedisClient
    let userID: UUID
    let portfolio: Portfolio
    let first: String
    let second: String
    let monitor: DriftMonitor
    let executor: RunExecutor
    let runs: RebalanceRunStore
    let monitorStore: PortfolioMonitorStore

    static func with(
        environment: [String: String] = [:], method: RebalanceMethod = .drift, interval: PortfolioSchedule.Interval = .daily,
        _ body: @Sendable (RebalancerFixture) async throws -> Void
    ) async throws {
        try await TestDatabase.with { database, _ in
            let redis = RedisClient(endpoint: try TestServers.redis)
            let logger = TestServers.logger
            let suffix = UUID().uuidString.prefix(6).uppercased()
            let (first, second) = ("RA\(suffix)", "RB\(suffix)")
            for asset in [first, second] { try await database.query("INSERT INTO market_symbols (symbol) VALUES (\(asset + "-USD"))") }
            let name = TestServers.unique("owner")
            let userID = try await Self.user(name, database)
            let settings = PortfolioSettings(
                name: "core", quoteCurrency: "USD", targetWeights: [first: Self.fixed("50"), second: Self.fixed("50")], method: method,
                schedule: try PortfolioSchedule.make(interval: interval, cron: nil, timeZone: "UTC").get(), driftThreshold: Self.fixed("5"))
            let portfolio = try await PortfolioStore(database: database, logger: logger).create(
                settings, user: userID, funding: .initialCash(Self.fixed("10000")))
            let rebalancerSettings = try RebalancerSettings(environment: EnvironmentReader(environment))
            let monitorStore = PortfolioMonitorStore(database: database, logger: logger)
            let runs = RebalanceRunStore(database: database, logger: logger)
            let valuer = PortfolioValuer(database: database, prices: MarketPrices(redis: redis), logger: logger)
            let fixture = RebalancerFixture(
                database: database, redis: redis, userID: userID, portfolio: portfolio, first: first, second: second,
                monitor: DriftMonitor(
                    portfolios: monitorStore, valuer: valuer, maxPriceAge: rebalancerSettings.maxPriceAge,
                    dryRun: rebalancerSettings.forceDryRun),
                executor: RunExecutor(
                    database: database, runs: runs, portfolios: monitorStore, valuer: valuer, locks: RedisLock(client: redis),
                    settings: rebalancerSettings, runner: "test-runner", logger: logger),
                runs: runs, monitorStore: monitorStore)
            try await fixture.setPrice(first, "100")
            try await fixture.setPrice(second, "50")
            try await body(fixture)
        }
    }

    private static func user(_ name: String, _ database: PostgresClient) async throws -> UUID {
        let rows = try await database.query("INSERT INTO users (name) VALUES (\(name)) RETURNING id")
        for try await id in rows.decode(UUID.self) { return id }
        throw TestSetupError("user \(name) was not created")
    }

    static func fixed(_ text: String) -> FixedDecimal { FixedDecimal(text)! }

    func setPrice(_ asset: String, _ price: String, age: Duration = .zero) async throws {
        let time = Date().epochMilliseconds - age.wholeMilliseconds
        _ = try await redis.pipeline([
            RedisCommand("SET", MarketKeys.price(asset + "-USD"), price),
            RedisCommand("SET", MarketKeys.priceTime(asset + "-USD"), String(time)),
        ])
    }

    /// Runs every pending run of the portfolio the way a request message would.
    func executePending() async throws {
        let rows = try await database.query(
            "SELECT id FROM rebalance_runs WHERE portfolio_id = \(portfolio.id) AND status = 'pending' ORDER BY requested_at")
        for try await id in rows.decode(UUID.self) {
            try await executor.execute(RebalanceRequest(runID: id, portfolioID: portfolio.id))
        }
    }

    func balance(_ asset: String) async throws -> Decimal {
        let rows = try await database.query(
            "SELECT available FROM balances WHERE account_id = \(portfolio.accountID) AND asset = \(asset)")
        for try await amount in rows.decode(Decimal.self) { return amount }
        return 0
    }

    func count(_ query: PostgresQuery) async throws -> Int { try await database.count(query) }

    func runs(status: String? = nil) async throws -> [RebalanceRun] {
        try await runs.runs(portfolio: portfolio.id, user: userID, after: nil, limit: 100)?.items.filter {
            status == nil || $0.status.rawValue == status
        } ?? []
    }
}
