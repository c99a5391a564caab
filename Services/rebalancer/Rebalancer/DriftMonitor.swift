import BallastPortfolios
import Foundation
import Logging

/// The drift monitor: values every watched portfolio (drift or hybrid, not paused) at the last prices, a page at a
/// time, and records what changed since the last scan: a portfolio that left its band gets
/// `drift.threshold_exceeded` and a rebalance run, once per crossing; one back inside is marked so. A portfolio
/// whose prices are missing or stale is left as it was (counted in `ballast_drift_scan_unvalued`).
struct DriftMonitor: Sendable {
    static let pageSize = 1_000

    let portfolios: PortfolioMonitorStore
    let valuer: PortfolioValuer
    let settings: RebalancerSettings
    let logger: Logger

    struct Outcome: Equatable {
        var scanned = 0
        var over = 0
        var unvalued = 0
        var runsRequested = 0
    }

    func scan(now: Date = Date()) async throws -> Outcome {
        let started = ContinuousClock.now
        var outcome = Outcome()
        var after: UUID?
        while true {
            let page = try await portfolios.monitored(after: after, limit: Self.pageSize)
            guard let last = page.last else { break }
            after = last.0.id
            let held = Dictionary(uniqueKeysWithValues: page.map { ($0.0.id, Set($0.1.quantities.keys)) })
            let prices = try await valuer.assetPrices(for: page.map(\.0), heldAssets: held)
            var crossings: [DriftCrossing] = []
            var cleared: [UUID] = []
            for (portfolio, holdings) in page {
                outcome.scanned += 1
                let inputs = holdings.inputs(of: portfolio, prices: prices[portfolio.id] ?? [:])
                guard let report = try? RebalancePlanner.drift(inputs, now: now, maxPriceAge: settings.maxPriceAge) else {
                    outcome.unvalued += 1
                    continue
                }
                if report.isOverThreshold {
                    outcome.over += 1
                    if !portfolio.overThreshold { crossings.append(DriftCrossing(portfolio: portfolio, report: report)) }
                } else if portfolio.overThreshold {
                    cleared.append(portfolio.id)
                }
            }
            let runs = try await portfolios.record(crossings: crossings, cleared: cleared, dryRun: settings.forceDryRun, now: now)
            outcome.runsRequested += runs.count
            if page.count < Self.pageSize { break }
        }
        let elapsed = ContinuousClock.now - started
        RebalancerMetrics.scanned(
            portfolios: outcome.scanned, over: outcome.over, unvalued: outcome.unvalued,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        return outcome
    }
}
