import BallastCore
import Foundation

/// The drift monitor: values every watched portfolio (drift or hybrid, not paused) at the last prices, a page at a
/// time, and records what changed since the last scan: a portfolio that left its band gets
/// `drift.threshold_exceeded` and a rebalance run, once per crossing; one back inside is marked so. A portfolio
/// whose prices are missing or stale is left as it was (counted as `unvalued`).
public struct DriftMonitor: Sendable {
    public static let pageSize = 1_000

    let portfolios: PortfolioMonitorStore
    let valuer: PortfolioValuer
    /// An older last price leaves a portfolio out of the scan.
    let maxPriceAge: Duration
    /// The runs it requests are dry runs (`BALLAST_SCHEDULER_DRY_RUN`).
    let dryRun: Bool

    public init(portfolios: PortfolioMonitorStore, valuer: PortfolioValuer, maxPriceAge: Duration, dryRun: Bool) {
        self.portfolios = portfolios
        self.valuer = valuer
        self.maxPriceAge = maxPriceAge
        self.dryRun = dryRun
    }

    public struct Outcome: Sendable, Equatable {
        public var scanned = 0
        public var over = 0
        public var unvalued = 0
        public var runsRequested = 0
        public var seconds = 0.0
    }

    public func scan(now: Date = Date()) async throws -> Outcome {
        let started = ContinuousClock.now
        var outcome = Outcome()
        let portfolios = self.portfolios
        let pageSize = Self.pageSize
        // The next page is read while this one is valued: PostgreSQL and the monitor work at the same time.
        var fetching: Task<[(Portfolio, PortfolioHoldings)], any Error>? = Task {
            try await portfolios.monitored(after: nil, limit: pageSize)
        }
        defer { fetching?.cancel() }
        while let current = fetching {
            let page = try await current.value
            guard let last = page.last else { break }
            fetching = page.count < pageSize ? nil : Task { try await portfolios.monitored(after: last.0.id, limit: pageSize) }
            var assets: [String: Set<String>] = [:]
            for (portfolio, holdings) in page {
                assets[portfolio.quoteCurrency, default: []].formUnion(portfolio.settings.targetWeights.keys)
                assets[portfolio.quoteCurrency, default: []].formUnion(holdings.quantities.keys)
            }
            // One table per currency, shared by the page's portfolios: the planner looks up only the assets it values.
            let prices = try await valuer.priceTables(of: assets)
            var crossings: [DriftCrossing] = []
            var cleared: [UUID] = []
            for (portfolio, holdings) in page {
                outcome.scanned += 1
                let inputs = holdings.inputs(of: portfolio, prices: prices[portfolio.quoteCurrency] ?? [:])
                // The test alone, without the report, for every portfolio; the report only for a new crossing.
                guard holdings.outOfRange.isEmpty,
                    let isOver = try? RebalancePlanner.isOverThreshold(inputs, now: now, maxPriceAge: maxPriceAge)
                else {
                    outcome.unvalued += 1
                    continue
                }
                if isOver {
                    outcome.over += 1
                    if !portfolio.overThreshold, let report = try? RebalancePlanner.drift(inputs, now: now, maxPriceAge: maxPriceAge) {
                        crossings.append(DriftCrossing(portfolio: portfolio, report: report))
                    }
                } else if portfolio.overThreshold {
                    cleared.append(portfolio.id)
                }
            }
            let runs = try await portfolios.record(crossings: crossings, cleared: cleared, dryRun: dryRun, now: now)
            outcome.runsRequested += runs.count
        }
        let elapsed = ContinuousClock.now - started
        outcome.seconds = elapsed.inSeconds
        return outcome
    }
}
