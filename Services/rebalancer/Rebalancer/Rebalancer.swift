import BallastCore
import BallastPortfolios
import BallastRedis
import BallastScheduler
import BallastService
import BallastTrading
import BallastVenues
import Foundation

/// Keeps portfolios at their target weights. Runs asked for on `ballast:rebalance.requests` (by ingest's API, the
/// drift monitor and the schedule) are planned and traded by `RunExecutor`; the jobs find drift
/// (`portfolios.drift-monitor`), start scheduled runs (`portfolios.rebalance-due`), take over runs a stopped
/// rebalancer left (`rebalances.recover`) and purge old history (`rebalances.purge`).
public enum Rebalancer {
    public static func buildServices(_ context: ServiceContext) throws -> ServiceDefinition {
        let settings = try RebalancerSettings()
        let logger = context.logger
        let runs = RebalanceRunStore(database: context.database, logger: logger)
        let portfolios = PortfolioMonitorStore(database: context.database, logger: logger)
        let valuer = PortfolioValuer(database: context.database, prices: MarketPrices(redis: context.redis), logger: logger)
        let exchanges = try ExchangeVenues().connections(logger: logger)
        let executor = RunExecutor(
            database: context.database, runs: runs, portfolios: portfolios, valuer: valuer, locks: RedisLock(client: context.redis),
            settings: settings, runner: context.configuration.instance,
            dryRunAtExchange: ExchangeDryRun(
                orders: ExchangeOrderStore(database: context.database, logger: logger), connections: exchanges, logger: logger),
            logger: logger)
        let monitor = DriftMonitor(portfolios: portfolios, valuer: valuer, maxPriceAge: settings.maxPriceAge, dryRun: settings.forceDryRun)
        let requests = ConcurrentMessageHandler(maxConcurrency: context.configuration.consumer.concurrency) { message in
            try await executor.handle(message)
        }
        // A Kraken-backed portfolio's orders are recorded with its run and placed at Kraken right after (any instance of
        // the rebalancer or the signal-processor may place them: the dispatcher locks each account).
        let dispatcher = VenueOrderDispatcher(
            database: context.database, redis: context.redis, connections: exchanges,
            settings: try VenueDispatchSettings(environment: EnvironmentReader()), alarms: context.alarms, logger: logger)
        return ServiceDefinition(
            services: [context.makeConsumer(of: StreamName.rebalanceRequests, handler: requests), dispatcher],
            consumedStreams: [StreamName.rebalanceRequests],
            jobs: [
                try Job("portfolios.drift-monitor", schedule: settings.driftMonitorSchedule, timeout: .seconds(240)) { run in
                    guard settings.driftMonitorEnabled else {
                        run.logger.info("drift monitor is off (BALLAST_DRIFT_MONITOR_ENABLED)")
                        return
                    }
                    let outcome = try await monitor.scan(now: run.tick)
                    RebalancerMetrics.scanned(outcome)
                    run.logger.info(
                        "drift scan",
                        metadata: [
                            "portfolios": "\(outcome.scanned)", "over_threshold": "\(outcome.over)", "unvalued": "\(outcome.unvalued)",
                            "runs_requested": "\(outcome.runsRequested)",
                        ])
                },
                try Job("portfolios.rebalance-due", schedule: "* * * * *", timeout: .seconds(50)) { run in
                    var total = 0
                    while true {
                        let (requested, due) = try await portfolios.requestDue(now: run.tick, dryRun: settings.forceDryRun, limit: 500)
                        total += requested.count
                        if due < 500 { break }
                    }
                    if total > 0 { run.logger.info("scheduled rebalances requested", metadata: ["runs": "\(total)"]) }
                },
                try Job("rebalances.recover", schedule: "* * * * *", timeout: .seconds(50)) { run in
                    let (requeued, failed) = try await runs.recover(pendingFor: .seconds(120), maxAttempts: 3, now: run.tick)
                    if requeued + failed > 0 {
                        run.logger.warning("rebalance runs recovered", metadata: ["requeued": "\(requeued)", "failed": "\(failed)"])
                    }
                },
                try Job("rebalances.purge", schedule: "17 * * * *", timeout: .seconds(300)) { run in
                    let cutoff = run.tick.addingTimeInterval(-settings.retention.inSeconds)
                    var deleted = 0
                    while true {
                        let batch = try await runs.purge(finishedBefore: cutoff, limit: 1_000)
                        deleted += batch
                        if batch < 1_000 { break }
                    }
                    if deleted > 0 { run.logger.info("retention purge", metadata: ["table": "rebalance_runs", "deleted": "\(deleted)"]) }
                },
            ]
        )
    }
}
