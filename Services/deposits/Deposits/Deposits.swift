import BallastCore
import BallastDeposits
import BallastScheduler
import BallastService
import Foundation
import Logging

/// Watches the chains in `BALLAST_CHAINS` for payments to users' deposit addresses and credits them to their trading
/// accounts exactly once. Everything runs as jobs on the shared scheduler, one run of each at a time across
/// instances: `deposits.scan.<chain>` follows each chain's blocks (reorganisations included), `deposits.confirmations`
/// counts confirmations up to the scanned height, `deposits.credit` credits confirmed deposits, `deposits.stats` and
/// `deposits.stuck-report` report.
public enum Deposits {
    public static func buildServices(_ context: ServiceContext) throws -> ServiceDefinition {
        let settings = try DepositsSettings()
        return ServiceDefinition(jobs: try jobs(settings: settings, context: context))
    }

    static func jobs(settings: DepositsSettings, context: ServiceContext) throws -> [Job] {
        let logger = context.logger
        let scans = ChainScanStore(database: context.database, logger: logger)
        let deposits = DepositStore(database: context.database, logger: logger)
        let addresses = DepositAddressStore(database: context.database, logger: logger)
        let backoff = NodeBackoff()
        var jobs: [Job] = []
        for chain in settings.chains {
            let scanner = ChainScanner(settings: chain, adapter: chain.makeAdapter(), store: scans, logger: logger)
            jobs.append(
                try Job("deposits.scan.\(chain.name)", schedule: settings.scanSchedule, timeout: .seconds(120)) { run in
                    try await scan(with: scanner, backoff: backoff, run: run)
                })
        }
        jobs += [
            try Job("deposits.confirmations", schedule: settings.confirmationsSchedule, timeout: .seconds(60)) { run in
                for chain in settings.chains {
                    guard let through = try await scans.confirmedThrough(chain: chain.name) else { continue }
                    let outcome = try await deposits.updateConfirmations(
                        chain: chain.name, tip: through, required: chain.confirmations, fence: run.holdFence)
                    DepositsMetrics.confirmed(outcome, chain: chain.name)
                    if outcome.confirmed > 0 {
                        run.logger.info("deposits confirmed", metadata: ["chain": "\(chain.name)", "deposits": "\(outcome.confirmed)"])
                    }
                }
            },
            try Job("deposits.credit", schedule: settings.creditSchedule, timeout: .seconds(60)) { run in
                var total = DepositStore.CreditOutcome()
                while true {
                    let outcome = try await deposits.creditConfirmed(limit: settings.creditBatch, fence: run.holdFence)
                    DepositsMetrics.credited(outcome)
                    total.credited += outcome.credited
                    total.failed += outcome.failed
                    if outcome.credited + outcome.failed < settings.creditBatch { break }
                }
                if total.credited + total.failed > 0 {
                    run.logger.info("deposits credited", metadata: ["credited": "\(total.credited)", "failed": "\(total.failed)"])
                }
            },
            try Job("deposits.stats", schedule: settings.statsSchedule, timeout: .seconds(60)) { run in
                let statistics = try await deposits.statistics(user: nil, stuckAfter: settings.stuckAfter, now: run.tick)
                DepositsMetrics.statistics(statistics)
                let pools = try await addresses.poolSizes()
                for (chain, size) in pools.sorted(by: { $0.key < $1.key }) {
                    DepositsMetrics.pool(chain: chain, free: size.free)
                    if size.free < max(10, size.assigned / 10) {
                        run.logger.warning(
                            "deposit address pool running low: import more with `ballast deposits import-addresses`",
                            metadata: ["chain": "\(chain)", "free": "\(size.free)", "assigned": "\(size.assigned)"])
                    }
                }
                run.logger.info("deposit statistics", metadata: ["deposits": "\(statistics.total)", "stuck": "\(statistics.stuck)"])
            },
            try Job("deposits.stuck-report", schedule: settings.stuckSchedule, timeout: .seconds(60)) { run in
                let (reported, stuck) = try await deposits.reportStuck(olderThan: settings.stuckAfter, now: run.tick)
                DepositsMetrics.stuck(stuck)
                guard stuck > 0 else { return }
                run.logger.warning(
                    "deposits stuck: neither credited nor failed \(settings.stuckAfter.inSeconds / 3_600) hours after they were seen",
                    metadata: [
                        "stuck": "\(stuck)", "newly_reported": "\(reported.count)",
                        "deposits": "\(reported.prefix(20).map { "\($0.chain):\($0.id.uuidString.lowercased()):\($0.status.rawValue)" })",
                    ])
            },
        ]
        return jobs
    }

    /// One scan of one chain, unless its node is in backoff. A node failure (logged with the chain and the method by
    /// the scheduler) changes nothing and makes the chain wait before the next attempt.
    static func scan(with scanner: ChainScanner, backoff: NodeBackoff, run: JobRun) async throws {
        let chain = scanner.settings.name
        guard await backoff.mayAsk(chain, now: Date()) else { return }
        do {
            let outcome = try await scanner.scan(fence: run.holdFence)
            await backoff.succeeded(chain)
            DepositsMetrics.scanned(outcome, chain: chain)
            if outcome.blocksScanned > 0 || outcome.detected > 0 || outcome.orphansFailed > 0 {
                run.logger.info(
                    "chain scanned",
                    metadata: [
                        "chain": "\(chain)", "blocks": "\(outcome.blocksScanned)", "height": "\(outcome.cursor.height)",
                        "node_height": "\(outcome.tip.height)", "deposits_detected": "\(outcome.detected)",
                        "orphans_failed": "\(outcome.orphansFailed)",
                    ])
            }
        } catch let error as ChainScanError {
            switch error {
            case .node, .heightWentBackwards:
                let wait = await backoff.failed(chain, now: Date())
                DepositsMetrics.nodeFailed(chain: chain, kind: error.kind)
                run.logger.warning(
                    "chain scan failed; nothing changed", metadata: ["chain": "\(chain)", "error": "\(error)", "retry_in": "\(wait)"])
            case .reorgBeyondWindow:
                DepositsMetrics.nodeFailed(chain: chain, kind: error.kind)
                throw error
            case .cursorMoved:
                run.logger.info("chain scan yielded to another scanner", metadata: ["chain": "\(chain)"])
            }
        }
    }
}

extension ChainScanError {
    /// The metric's `kind` dimension.
    var kind: String {
        switch self {
        case .node: "node"
        case .heightWentBackwards: "height_went_backwards"
        case .reorgBeyondWindow: "reorg_beyond_window"
        case .cursorMoved: "cursor_moved"
        }
    }
}
