import BallastCore
import BallastMarket
import BallastPortfolios
import BallastRedis
import BallastTrading
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
        // Another rebalancer holding the portfolio is running this same run (one active run per portfolio): it
        // finishes it, or the recovery job asks again once its lease ended.
        guard
            let lock = try await locks.acquire("ballast:lock:portfolio:\(request.portfolioID.uuidString.lowercased())", ttl: settings.lease)
        else { return }
        do {
            if let run = try await runs.claim(request.runID, runner: runner, lease: settings.lease) {
                let finished = try await rebalance(run)
                RebalancerMetrics.finished(finished)
                logger.info(
                    "rebalance finished",
                    metadata: [
                        "run_id": "\(run.id)", "portfolio_id": "\(run.portfolioID)", "status": "\(finished.status.rawValue)",
                        "orders_executed": "\(finished.ordersExecuted)", "orders_failed": "\(finished.ordersFailed)",
                    ])
            }
        } catch is RebalanceRunStore.LostLease {
            logger.warning(
                "a rebalance run was taken over before it finished; its result was not written", metadata: ["run_id": "\(request.runID)"])
        } catch {
            _ = try? await locks.release(lock)
            throw error
        }
        _ = try? await locks.release(lock)
    }

    /// Plans and trades `run` in one transaction, and writes it finished.
    private func rebalance(_ run: RebalanceRun) async throws -> RebalanceRun {
        let runner = self.runner
        let logger = self.logger
        guard let portfolio = try await portfolios.portfolio(run.portfolioID) else {
            var failed = run
            failed.status = .failed
            failed.finishedAt = Date()
            failed.errors.append("the portfolio was deleted")
            try await database.transaction(logger: logger) { connection in
                try await RebalanceRunStore.finish(failed, runner: runner, on: connection, logger: logger)
            }
            return failed
        }
        // Prices come from Redis before the account is locked, so a slow Redis never holds the lock.
        var prices = try await valuer.assetPrices(for: [portfolio])[portfolio.id] ?? [:]
        let settings = self.settings
        let valuer = self.valuer
        return try await database.transaction(logger: logger) { connection in
            guard var account = try await LockedAccount.lock(id: portfolio.accountID, on: connection, logger: logger) else {
                throw RebalanceFailure("the portfolio's account \(portfolio.accountID) does not exist")
            }
            let held = Set(account.balances.filter { $0.key != portfolio.quoteCurrency && $0.value.available > 0 }.keys)
            let unpriced = held.subtracting(prices.keys)
            if !unpriced.isEmpty {
                let more = try await valuer.assetPrices(for: [portfolio], heldAssets: [portfolio.id: unpriced])[portfolio.id] ?? [:]
                prices.merge(more) { current, _ in current }
            }
            var finished = RebalanceTrading(portfolio: portfolio, settings: settings).run(run, on: &account, prices: prices, now: Date())
            if finished.status == .completed, !finished.dryRun { try await account.write() }
            finished.finishedAt = Date()
            try await RebalanceRunStore.finish(finished, runner: runner, on: connection, logger: logger)
            return finished
        }
    }
}

/// A run that cannot go on, with the reason it records.
struct RebalanceFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
