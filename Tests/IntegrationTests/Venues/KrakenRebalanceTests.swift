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
            let rebalancer = try await KrakenRebalancer(fixture)
            let portfolio = rebalancer.portfolio
            #expect(try await portfolio.accountID == fixture.paper.accountID)
            // A second portfolio cannot trade the same whole account.
            var second = rebalancer.settings
            second.name = "again"
            await #expect(throws: PortfolioStoreError.tradingAccountTaken) {
                _ = try await PortfolioStore(database: database, logger: logger).create(
                    second, user: fixture.paper.userID, funding: .tradingAccount)
            }

            #expect(try await rebalancer.monitor.scan().runsRequested == 1)
            let runID = try await rebalancer.firstRunID(fixture)
            try await rebalancer.execute(runID)
            let run = try #require(try await rebalancer.latestRun(fixture))
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
            try await rebalancer.execute(runID)
            try await fixture.dispatcher.dispatchDue()
            #expect(fixture.simulator.placedOrderCount == 1)
        }
    }

    @Test("a Kraken refusal of a rebalance order is written into the run: counted failed, with Kraken's reason")
    func refusalInRun() async throws {
        try await KrakenTradingFixture.with { fixture in
            fixture.simulator.injectFault(.error("EOrder:Insufficient funds"), method: "AddOrder")
            let rebalancer = try await KrakenRebalancer(fixture)
            #expect(try await rebalancer.monitor.scan().runsRequested == 1)
            try await rebalancer.execute(try await rebalancer.firstRunID(fixture))
            try await fixture.dispatch {
                try await fixture.paper.strings("SELECT status FROM orders").first == "rejected"
            }
            let run = try #require(try await rebalancer.latestRun(fixture))
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
            let rebalancer = try await KrakenRebalancer(fixture, dryRun: true)
            let portfolio = rebalancer.portfolio
            #expect(try await rebalancer.monitor.scan().runsRequested == 1)
            try await rebalancer.execute(try await rebalancer.firstRunID(fixture))
            var run = try #require(try await rebalancer.latestRun(fixture))
            #expect(run.dryRun && run.status == .completed)
            #expect(run.orders.map(\.status) == [.validated], "\(run.orders)")
            #expect(run.orders.first?.reason?.contains("kraken would accept") == true)
            #expect(fixture.simulator.placedOrderCount == 0)
            #expect(try await database.count("SELECT count(*) FROM orders") == 0)

            // Kraken would refuse it: the dry run says so, with Kraken's reason.
            fixture.simulator.injectFault(.error("EOrder:Insufficient funds"), method: "AddOrder")
            guard
                case .requested(let second) = try await rebalancer.runs.request(
                    portfolio: portfolio.id, user: fixture.paper.userID, trigger: .manual, dryRun: true)
            else {
                Issue.record("a second run was not requested")
                return
            }
            try await rebalancer.execute(second.id)
            run = try #require(try await rebalancer.latestRun(fixture))
            #expect(run.orders.map(\.status) == [.rejected], "\(run.orders)")
            #expect(run.orders.first?.reason?.contains("EOrder:Insufficient funds") == true)
            #expect(fixture.simulator.placedOrderCount == 0)
        }
    }
}
