import BallastCore
import BallastMarket
import BallastPortfolios
import BallastRedis
import BallastTrading
import BallastVenues
import Foundation

@testable import Rebalancer

/// A portfolio of the fixture's whole Kraken account (target: half the test's asset, half USD) and the rebalancer's
/// parts over the fixture's database, Redis and simulated Kraken, dry runs checked at Kraken.
struct KrakenRebalancer {
    let portfolio: Portfolio
    let settings: PortfolioSettings
    let runs: RebalanceRunStore
    let monitor: DriftMonitor
    let executor: RunExecutor

    static func settings(for fixture: KrakenTradingFixture, dryRun: Bool = false) throws -> PortfolioSettings {
        var settings = PortfolioSettings(
            name: "kraken", quoteCurrency: "USD", targetWeights: [fixture.base: FixedDecimal("50")!, "USD": FixedDecimal("50")!],
            schedule: try PortfolioSchedule.make(interval: .daily, cron: nil, timeZone: "UTC").get(), driftThreshold: FixedDecimal("5")!)
        settings.dryRun = dryRun
        return settings
    }

    init(_ fixture: KrakenTradingFixture, dryRun: Bool = false) async throws {
        let (database, logger) = (fixture.database, TestServers.logger)
        settings = try Self.settings(for: fixture, dryRun: dryRun)
        portfolio = try await PortfolioStore(database: database, logger: logger).create(
            settings, user: fixture.paper.userID, funding: .tradingAccount)
        let rebalancerSettings = try RebalancerSettings(environment: EnvironmentReader([:]))
        let monitorStore = PortfolioMonitorStore(database: database, logger: logger)
        let valuer = PortfolioValuer(database: database, prices: MarketPrices(redis: fixture.paper.redis), logger: logger)
        runs = RebalanceRunStore(database: database, logger: logger)
        monitor = DriftMonitor(portfolios: monitorStore, valuer: valuer, maxPriceAge: rebalancerSettings.maxPriceAge, dryRun: false)
        executor = RunExecutor(
            database: database, runs: runs, portfolios: monitorStore, valuer: valuer, locks: RedisLock(client: fixture.paper.redis),
            settings: rebalancerSettings, runner: "test-runner",
            dryRunAtExchange: ExchangeDryRun(
                orders: ExchangeOrderStore(database: database, logger: logger),
                connections: fixture.exchanges.connections(logger: logger), logger: logger),
            logger: logger)
    }

    /// The id of the portfolio's first run.
    func firstRunID(_ fixture: KrakenTradingFixture) async throws -> UUID {
        let text = try await fixture.paper.strings("SELECT id::text FROM rebalance_runs WHERE portfolio_id = \(portfolio.id)").first
        guard let text, let id = UUID(uuidString: text) else { throw TestSetupError("the portfolio has no run") }
        return id
    }

    func execute(_ runID: UUID) async throws {
        try await executor.execute(RebalanceRequest(runID: runID, portfolioID: portfolio.id))
    }

    /// The portfolio's latest run.
    func latestRun(_ fixture: KrakenTradingFixture) async throws -> RebalanceRun? {
        try await runs.runs(portfolio: portfolio.id, user: fixture.paper.userID, after: nil, limit: 10)?.items.first
    }
}
