import Foundation

/// How each variant of an experiment did, and whether the differences between them are more than noise: every other
/// variant's mean P&L per closed trade against the first variant's (by name), with a bootstrap confidence interval.
/// Amounts are in the experiment's quote currency, as exact decimal strings.
public struct ExperimentReport: Sendable, Equatable, Codable {
    public struct Variant: Sendable, Equatable, Codable {
        public var name: String
        public var engine: String
        public var accountID: UUID
        /// Signals routed to the variant, and how many of them it accepted or rejected.
        public var signals: Int
        public var accepted: Int
        public var rejected: Int
        public var fills: Int
        /// Closed positions: one trade from entry to exit.
        public var trades: Int
        public var wins: Int
        public var winRate: String?
        /// Realized P&L of every position, closed or still open, net of fees.
        public var realizedPnL: String
        public var unrealizedPnL: String
        public var fees: String
        /// The largest fall of cumulative realized P&L over closed trades from a previous high.
        public var maxDrawdown: String
        public var startingCash: String
        /// Cash plus the open positions at their marks.
        public var equity: String

        enum CodingKeys: String, CodingKey {
            case name, engine, signals, accepted, rejected, fills, trades, wins, winRate, fees, maxDrawdown, startingCash, equity
            case accountID = "accountId"
            case realizedPnL = "realizedPnl"
            case unrealizedPnL = "unrealizedPnl"
        }
    }

    public struct Comparison: Sendable, Equatable, Codable {
        public var variant: String
        public var baseline: String
        /// Mean P&L per closed trade of `variant` minus `baseline`'s; nil with fewer than 2 trades on either side.
        public var meanTradePnLDifference: String?
        public var lower: String?
        public var upper: String?
        public var confidence: Decimal
        public var resamples: Int
        public var significant: Bool
        /// What a trader reads: which is better and whether it can be told from noise.
        public var verdict: String

        enum CodingKeys: String, CodingKey {
            case variant, baseline, lower, upper, confidence, resamples, significant, verdict
            case meanTradePnLDifference = "meanTradePnlDifference"
        }
    }

    public var experimentID: UUID
    public var mode: Experiment.Mode
    public var status: Experiment.Status
    /// Signals the experiment took (each once, whatever the number of variants that decided it).
    public var signals: Int
    public var variants: [Variant]
    public var comparisons: [Comparison]
    public var generatedAt: Date

    enum CodingKeys: String, CodingKey {
        case mode, status, signals, variants, comparisons, generatedAt
        case experimentID = "experimentId"
    }

    public init(
        experimentID: UUID, mode: Experiment.Mode, status: Experiment.Status, signals: Int, variants: [Variant], comparisons: [Comparison],
        generatedAt: Date
    ) {
        self.experimentID = experimentID
        self.mode = mode
        self.status = status
        self.signals = signals
        self.variants = variants
        self.comparisons = comparisons
        self.generatedAt = generatedAt
    }

    /// Each other variant against the first, from the closed trades' P&L of each, in closing order.
    static func comparisons(
        _ variants: [(name: String, trades: [TradeResult])], seed: UInt64, confidence: Decimal = Decimal(string: "0.95")!,
        resamples: Int = 10_000
    ) -> [Comparison] {
        guard let baseline = variants.first else { return [] }
        return variants.dropFirst().map { variant in
            let estimate = DifferenceEstimate.bootstrap(
                a: baseline.trades.map(\.pnl), b: variant.trades.map(\.pnl), confidence: confidence, resamples: resamples, seed: seed)
            let verdict: String
            if let estimate {
                let better = estimate.meanDifference > 0 ? variant.name : baseline.name
                verdict =
                    estimate.isSignificant
                    ? "\(better) makes more per trade; the \(confidence * 100) % interval excludes no difference"
                    : "no difference per trade that can be told from noise at \(confidence * 100) %"
            } else {
                verdict = "too few closed trades to compare: each variant needs at least 2"
            }
            return Comparison(
                variant: variant.name, baseline: baseline.name, meanTradePnLDifference: estimate.map { "\($0.meanDifference)" },
                lower: estimate.map { "\($0.lower)" }, upper: estimate.map { "\($0.upper)" }, confidence: confidence, resamples: resamples,
                significant: estimate?.isSignificant ?? false, verdict: verdict)
        }
    }
}
