import Foundation

extension OptionChainSettings {
    /// The distance between listed strikes.
    public enum StrikeStep: Sendable, Equatable {
        /// The "nice" number (1, 2, 2.5 or 5 × 10^k) nearest to `fractionOfSpot` of the spot price, nearest by ratio,
        /// the smaller one on a tie. At 1%: BTC at 97,000 → 1,000; ETH at 3,500 → 25; SOL at 150 → 2.
        case nice(fractionOfSpot: Decimal)
        /// The same step at every price.
        case fixed(Decimal)

        /// The default: near 1% of spot (0.01 written exactly; a `Decimal` float literal would pass through `Double`).
        public static let onePercentOfSpot = StrikeStep.nice(fractionOfSpot: Decimal(sign: .plus, exponent: -2, significand: 1))

        /// The step at `spot`; nil when there is none (a spot or a step that is not positive).
        public func step(atSpot spot: Decimal) -> Decimal? {
            switch self {
            case .fixed(let step):
                return step > 0 ? step : nil
            case .nice(let fraction):
                guard spot > 0, fraction > 0 else { return nil }
                return Self.niceNumber(near: spot * fraction)
            }
        }

        private static func niceNumber(near target: Decimal) -> Decimal? {
            let value = NSDecimalNumber(decimal: target).doubleValue
            guard value > 0, value.isFinite else { return nil }
            // The candidates span a whole decade from below `target`, so a log10 that rounds across a power of ten
            // still leaves the right one among them.
            let exponent = Int(log10(value).rounded(.down))
            guard (-100...100).contains(exponent) else { return nil }
            let candidates = [(1, 0), (2, 0), (25, -1), (5, 0), (1, 1)].map { significand, shift in
                (
                    step: Decimal(sign: .plus, exponent: exponent + shift, significand: Decimal(significand)),
                    distance: abs(log(Double(significand) * pow(10, Double(exponent + shift)) / value))
                )
            }
            return candidates.min { $0.distance < $1.distance }?.step
        }
    }
}
