import BallastCore
import BallastMarket
import BallastPortfolios
import BallastRedis
import BallastVenues
import Foundation
import PostgresNIO
import Testing

@testable import BallastTrading
@testable import Rebalancer

@Suite("A portfolio of a Kraken account rebalanced at Kraken (simulated), with real Postgres and Redis")
struct KrakenRebalanceTests {
    @Test("a rebalance of the whole Kraken account places its order there once, records it with the run, and books the fill")
    func rebalanceAtKraken() async throws {
        try await KrakenTradingFixture.with { fixture in
            let database = fixture.database
            let logger = TestServers.logger
            let settings = PortfolioSettings(
                name: "kraken", quoteCurrency: "USD",
                targetWeights: [fixture.base: FixedDecimal("50")!, "USD": FixedDecimal("50")!],
                schedule: try PortfolioSchedule.make(interval: .daily, cron: nil, timeZone: "UTC").get(), driftThreshold: FixedDecimal("5")!
            )
            let portfolio = try await PortfolioStore(database: database, logger: logger).create(
                settings, user: fixture.paper.userID, funding: .tradingAccount)
            #expect(try await portfolio.accountID == fixture.paper.accountID)
            // A second portfolio cannot trade the same whole account.
            var second = settings
            second.name = "again"
            await #expect(throws: PortfolioStoreError.tradingAccountTaken) {
                _ = try await PortfolioStore(database: database, logger: logger).create(
                    second, user: fixture.paper.userID, funding: .tradingAccount)
            }

            let rebalancerSettings = try RebalancerSettings(environment: EnvironmentReader([:]))
            let monitorStore = PortfolioMonitorStore(database: database, logger: logger)
            let runs = RebalanceRunStore(database: database, logger: logger)
            let valuer = PortfolioValuer(database: database, prices: MarketPrices(redis: fixture.paper.redis), logger: logger)
            let monitor = DriftMonitor(portfolios: monitorStore, valuer: valuer, maxPriceAge: rebalancerSettings.maxPriceAge, dryRun: false)
            let executor = RunExecutor(
                database: database, runs: runs, portfolios: monitorStore, valuer: valuer, locks: RedisLock(client: fixture.paper.redis),
                settings: rebalancerSettings, runner: "test-runner", logger: logger)
            #expect(try await monitor.scan().runsRequested == 1)
            let runID = try #require(
                try await fixture.paper.strings("SELECT id::text FROM rebalance_runs WHERE portfolio_id = \(portfolio.id)").first)
            try await executor.execute(RebalanceRequest(runID: UUID(uuidString: runID)!, portfolioID: portfolio.id))
            let run = try #require(
                try await runs.runs(portfolio: portfolio.id, user: fixture.paper.userID, after: nil, limit: 10)?.items.first)
            #expect(run.status == .completed && run.ordersPlanned == 1 && run.ordersExecuted == 1, "\(run)")
            #expect(run.orders.map(\.status) == [.submitted])
            // Nothing is at Kraken until the run's transaction committed; the dispatcher then places it.
            let orderID = try #require(run.orders.first?.orderID)
            try await fixture.dispatch { try await fixture.orderStatus(orderID) == "filled" }
            #expect(fixture.simulator.placedOrderCount == 1)
            let placed = try #require(fixture.simulator.orders.first)
            #expect(placed.clientOrderID != run.orders.first?.clientOrderID)  // Kraken gets a UUID made from "rb-<run>-1".
            #expect(try await fixture.paper.strings("SELECT client_order_id FROM venue_orders") == [placed.clientOrderID])
            let bought = try await fixture.paper.balance(fixture.base).available
            #expect(bought > dec("0.99") && bought <= 1, "\(bought)")
            #expect(fixture.simulator.balance(fixture.base) == bought)
            #expect(try await fixture.reconciler.reconcileAll().isEmpty)
            // Executing the same request again places nothing more.
            try await executor.execute(RebalanceRequest(runID: UUID(uuidString: runID)!, portfolioID: portfolio.id))
            try await fixture.dispatcher.dispatchDue()
            #expect(fixture.simulator.placedOrderCount == 1)
        }
    }

    @Test("a Kraken refusal of a rebalance order is written into the run: counted failed, with Kraken's reason")
    func refusalInRun() async throws {
        try await KrakenTradingFixture.with { fixture in
            let database = fixture.database
            let logger = TestServers.logger
            fixture.simulator.injectFault(.error("EOrder:Insufficient funds"), method: "AddOrder")
            let settings = PortfolioSettings(
                name: "kraken", quoteCurrency: "USD",
                targetWeights: [fixture.base: FixedDecimal("50")!, "USD": FixedDecimal("50")!],
                schedule: try PortfolioSchedule.make(interval: .daily, cron: nil, timeZone: "UTC").get(), driftThreshold: FixedDecimal("5")!
            )
            let portfolio = try await PortfolioStore(database: database, logger: logger).create(
                settings, user: fixture.paper.userID, funding: .tradingAccount)
            let rebalancerSettings = try RebalancerSettings(environment: EnvironmentReader([:]))
            let monitorStore = PortfolioMonitorStore(database: database, logger: logger)
            let runs = RebalanceRunStore(database: database, logger: logger)
            let valuer = PortfolioValuer(database: database, prices: MarketPrices(redis: fixture.paper.redis), logger: logger)
            let executor = RunExecutor(
                database: database, runs: runs, portfolios: monitorStore, valuer: valuer, locks: RedisLock(client: fixture.paper.redis),
                settings: rebalancerSettings, runner: "test-runner", logger: logger)
            #expect(
                try await DriftMonitor(portfolios: monitorStore, valuer: valuer, maxPriceAge: .seconds(60), dryRun: false).scan()
                    .runsRequested == 1)
            let runID = try #require(
                try await fixture.paper.strings("SELECT id::text FROM rebalance_runs WHERE portfolio_id = \(portfolio.id)").first)
            try await executor.execute(RebalanceRequest(runID: UUID(uuidString: runID)!, portfolioID: portfolio.id))
            try await fixture.dispatch {
                try await fixture.paper.strings("SELECT status FROM orders").first == "rejected"
            }
            let run = try #require(
                try await runs.runs(portfolio: portfolio.id, user: fixture.paper.userID, after: nil, limit: 10)?.items.first)
            #expect(run.ordersExecuted == 0 && run.ordersFailed == 1, "\(run)")
            #expect(run.orders.map(\.status) == [.rejected])
            #expect(run.errors.contains { $0.contains("EOrder:Insufficient funds") }, "\(run.errors)")
            #expect(fixture.simulator.placedOrderCount == 0)
        }
    }

    @Test("a dry run of a Kraken portfolio has Kraken check each planned order (validate): its verdict in the run, nothing placed")
    func dryRunValidatedAtKraken() async throws {
        try await KrakenTradingFixture.with { fixture in
            let database = fixture.database
            let logger = TestServers.logger
            var settings = PortfolioSettings(
                name: "kraken", quoteCurrency: "USD",
                targetWeights: [fixture.base: FixedDecimal("50")!, "USD": FixedDecimal("50")!],
                schedule: try PortfolioSchedule.make(interval: .daily, cron: nil, timeZone: "UTC").get(), driftThreshold: FixedDecimal("5")!
            )
            settings.dryRun = true
            let portfolio = try await PortfolioStore(database: database, logger: logger).create(
                settings, user: fixture.paper.userID, funding: .tradingAccount)
            let monitorStore = PortfolioMonitorStore(database: database, logger: logger)
            let runs = RebalanceRunStore(database: database, logger: logger)
            let valuer = PortfolioValuer(database: database, prices: MarketPrices(redis: fixture.paper.redis), logger: logger)
            let executor = RunExecutor(
                database: database, runs: runs, portfolios: monitorStore, valuer: valuer, locks: RedisLock(client: fixture.paper.redis),
                settings: try RebalancerSettings(environment: EnvironmentReader([:])), runner: "test-runner",
                dryRunAtExchange: ExchangeDryRun(
                    orders: ExchangeOrderStore(database: database, logger: logger),
                    connections: fixture.exchanges.connections(logger: logger), logger: logger),
                logger: logger)
            let monitor = DriftMonitor(portfolios: monitorStore, valuer: valuer, maxPriceAge: .seconds(60), dryRun: false)
            #expect(try await monitor.scan().runsRequested == 1)
            let runID = try #require(
                try await fixture.paper.strings("SELECT id::text FROM rebalance_runs WHERE portfolio_id = \(portfolio.id)").first)
            try await executor.execute(RebalanceRequest(runID: UUID(uuidString: runID)!, portfolioID: portfolio.id))
            var run = try #require(
                try await runs.runs(portfolio: portfolio.id, user: fixture.paper.userID, after: nil, limit: 10)?.items.first)
            #expect(run.dryRun && run.status == .completed)
            #expect(run.orders.map(\.status) == [.validated], "\(run.orders)")
            #expect(run.orders.first?.reason?.contains("kraken would accept") == true)
            #expect(fixture.simulator.placedOrderCount == 0)
            #expect(try await database.count("SELECT count(*) FROM orders") == 0)

            // Kraken would refuse it: the dry run says so, with Kraken's reason.
            fixture.simulator.injectFault(.error("EOrder:Insufficient funds"), method: "AddOrder")
            guard
                case .requested(let second) = try await runs.request(
                    portfolio: portfolio.id, user: fixture.paper.userID, trigger: .manual, dryRun: true)
            else {
                Issue.record("a second run was not requested")
                return
            }
            try await executor.execute(RebalanceRequest(runID: second.id, portfolioID: portfolio.id))
            run = try #require(try await runs.runs(portfolio: portfolio.id, user: fixture.paper.userID, after: nil, limit: 10)?.items.first)
            #expect(run.orders.map(\.status) == [.rejected], "\(run.orders)")
            #expect(run.orders.first?.reason?.contains("EOrder:Insufficient funds") == true)
            #expect(fixture.simulator.placedOrderCount == 0)
        }
    }
}
