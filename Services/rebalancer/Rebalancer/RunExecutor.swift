import BallastCore
import BallastMarket
import BallastPortfolios
import BallastRedis
import BallastTrading
import BallastVenues
import Foundation
import Logging
import PostgresNIO

/// Runs the rebalances asked for on `ballast:rebalance.requests`. A run is taken under the portfolio's Redis lock
/// and the run's lease in PostgreSQL; its plan, orders, fills and result are written in one transaction that
/// locks the portfolio's account, and the result only while this rebalancer still holds the run
/// (`RebalanceRunStore.finish`). A rebalancer stopped at any point leaves either nothing (the transaction rolls
/// back; the run is taken over when its lease ends and runs again) or the whole finished run: never an order twice.
struct RunExecutor: Sendable {
    let database: PostgresClient
    let runs: RebalanceRunStore
    let portfolios: PortfolioMonitorStore
    let valuer: PortfolioValuer
    let locks: RedisLock
    let settings: RebalancerSettings
    let runner: String
    /// Checks a dry run's orders at the exchange of an exchange account; nil: dry runs only plan.
    var dryRunAtExchange: ExchangeDryRun? = nil
    let logger: Logger

    func handle(_ message: StreamMessage) async throws {
        guard message.envelope.type == RebalanceRequest.type else { return }
        let request: RebalanceRequest
        do {
            request = try message.envelope.decodePayload(RebalanceRequest.self)
        } catch {
            logger.warning("a rebalance request that is not one was dropped", metadata: ["entry": "\(message.entryID)"])
            return
        }
        try await execute(request)
    }

    func execute(_ request: RebalanceRequest) async throws {
        // Another rebalancer holding the portfolio is running this same run (one active run per portfolio). The request
        // stays unacknowledged: it comes back after the stream's processing timeout, and by then the run is finished
        // (acknowledged then) or its lease ended with the instance that held it (taken over then), without waiting for
        // `rebalances.recover`. The lock is extended while the run goes on; lost, the run is cancelled and rolls back.
        let key = "ballast:lock:portfolio:\(request.portfolioID.uuidString.lowercased())"
        let served = try await locks.withLock(key, ttl: settings.lease) { _ in
            try await serve(request)
            return true
        }
        if served == nil { throw RunHeldElsewhere(runID: request.runID) }
    }

    /// Claims and runs the run of `request`, holding the portfolio's lock.
    private func serve(_ request: RebalanceRequest) async throws {
        guard let run = try await runs.claim(request.runID, runner: runner, lease: settings.lease) else {
            // Finished (a copy of a request already served) or purged: nothing to do. Still active: another holds it.
            if let status = try await runs.status(of: request.runID), status.isActive { throw RunHeldElsewhere(runID: request.runID) }
            return
        }
        do {
            let finished = try await rebalance(run)
            RebalancerMetrics.finished(finished)
            logger.info(
                "rebalance finished",
                metadata: [
                    "run_id": "\(run.id)", "portfolio_id": "\(run.portfolioID)", "status": "\(finished.status.rawValue)",
                    "orders_executed": "\(finished.ordersExecuted)", "orders_failed": "\(finished.ordersFailed)",
                ])
        } catch is RebalanceRunStore.LostLease {
            logger.warning(
                "a rebalance run was taken over before it finished; its result was not written", metadata: ["run_id": "\(request.runID)"])
        }
    }

    /// Plans and trades `run` in one transaction, and writes it finished.
    private func rebalance(_ run: RebalanceRun) async throws -> RebalanceRun {
        guard let portfolio = try await portfolios.portfolio(run.portfolioID) else {
            return try await runs.fail(run, runner: runner, reason: "the portfolio was deleted")
        }
        // Prices come from Redis before the account is locked, so a slow Redis never holds the lock.
        var prices = try await valuer.assetPrices(for: [portfolio])[portfolio.id] ?? [:]
        let runner = self.runner
        let logger = self.logger
        let settings = self.settings
        let valuer = self.valuer
        return try await database.transaction(logger: logger) { connection in
            var finished: RebalanceRun
            var insideBand = false
            if var account = try await LockedAccount.lock(id: portfolio.accountID, on: connection, logger: logger) {
                // The portfolio as it is now: deleted or paused while the run waited, it is not traded.
                if let refusal = try await PortfolioMonitorStore.refusal(of: run, on: connection, logger: logger) {
                    finished = run.failed(refusal, at: Date())
                } else {
                    let held = Set(account.balances.filter { $0.key != portfolio.quoteCurrency && $0.value.available > 0 }.keys)
                    let unpriced = held.subtracting(prices.keys)
                    if !unpriced.isEmpty {
                        let more = try await valuer.assetPrices(for: [portfolio], heldAssets: [portfolio.id: unpriced])[portfolio.id] ?? [:]
                        prices.merge(more) { current, _ in current }
                    }
                    (finished, insideBand) = RebalanceTrading(portfolio: portfolio, settings: settings).run(
                        run, on: &account, prices: prices, now: Date())
                    if finished.status == .completed, !finished.dryRun { try await account.write() }
                    if finished.dryRun, account.account.venue.isExchange, let plan = finished.plan, let dryRunAtExchange {
                        // The exchange checks each planned order and places nothing. The account stays locked meanwhile,
                        // a few requests long: a dry run of an exchange account is an operator's occasional check.
                        let tickets = plan.orders.enumerated().map {
                            RebalanceTrading.ticket($0.element, number: $0.offset + 1, of: run, portfolio: portfolio)
                        }
                        let expected = Dictionary(
                            plan.orders.map { (portfolio.symbol(of: $0.asset), Decimal($0.price)) }, uniquingKeysWith: { first, _ in first }
                        )
                        finished.orders =
                            try await dryRunAtExchange.validate(tickets, account: account.account.id, prices: expected) ?? []
                    }
                    finished.finishedAt = Date()
                }
            } else {
                finished = run.failed("the portfolio's account \(portfolio.accountID) does not exist", at: Date())
            }
            try await RebalanceRunStore.finish(finished, runner: runner, backInsideBand: insideBand, on: connection, logger: logger)
            return finished
        }
    }
}

/// Another rebalancer holds the run (its lease) or the portfolio (its Redis lock): the request is left
/// unacknowledged, so that it comes back, to this instance or another, once that one finished or stopped.
struct RunHeldElsewhere: Error, CustomStringConvertible {
    var runID: UUID
    var description: String { "rebalance run \(runID) is held by another rebalancer; its request comes back later" }
}
