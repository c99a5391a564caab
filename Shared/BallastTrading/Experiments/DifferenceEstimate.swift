import BallastCore
import Foundation

/// How much better variant B's mean trade is than A's, with a bootstrap confidence interval.
public struct DifferenceEstimate: Sendable, Equatable {
    /// Mean trade P&L of B minus that of A, exact, rounded to 8 places.
    public var meanDifference: Decimal
    /// The percentile bootstrap interval of `meanDifference`, rounded to 8 places.
    public var lower: Decimal
    public var upper: Decimal
    /// The interval's level, a fraction between 0 and 1 (0.95).
    public var confidence: Decimal
    public var resamples: Int
    /// The interval excludes 0: the difference is unlikely to be chance at this confidence.
    public var isSignificant: Bool

    public init(meanDifference: Decimal, lower: Decimal, upper: Decimal, confidence: Decimal, resamples: Int) {
        self.meanDifference = meanDifference
        self.lower = lower
        self.upper = upper
        self.confidence = confidence
        self.resamples = resamples
        isSignificant = lower > 0 || upper < 0
    }

    /// Percentile bootstrap: each resample draws `a.count` trades from A and `b.count` from B with replacement
    /// (A's first, indices from SplitMix64 seeded with `seed`), and takes the difference of their means; the
    /// interval's ends are the (1 − confidence)/2 and (1 + confidence)/2 quantiles of those differences, linearly
    /// interpolated between neighbouring order statistics (R's and NumPy's default). The same inputs and seed give
    /// the same interval. Nil when either side has fewer than 2 trades, which leaves nothing to resample.
    ///
    /// Exact in fixed point: each P&L in units of 10⁻⁸, each resample's difference of means kept as the integer
    /// numerator `sumB × |A| − sumA × |B|` over the common denominator `|A| × |B|`, so the differences sort exactly and
    /// 10,000 resamples of 1,000 trades stay integer additions.
    public static func bootstrap(
        a: [Decimal], b: [Decimal], confidence: Decimal = Decimal(string: "0.95")!, resamples: Int = 10_000, seed: UInt64
    ) -> DifferenceEstimate? {
        precondition(confidence > 0 && confidence < 1, "confidence is a fraction between 0 and 1, got \(confidence)")
        precondition(resamples > 0, "at least one resample, got \(resamples)")
        guard a.count >= 2, b.count >= 2 else { return nil }
        let unitsA = a.map(units)
        let unitsB = b.map(units)
        let countA = Int128(a.count)
        let countB = Int128(b.count)
        var generator = SplitMix64(seed: seed)
        var numerators = [Int128](repeating: 0, count: resamples)
        for index in numerators.indices {
            let sumA = resampledSum(of: unitsA, using: &generator)
            numerators[index] = resampledSum(of: unitsB, using: &generator) * countA - sumA * countB
        }
        numerators.sort()
        let tail = (1 - confidence) / 2
        // Numerators are in 10⁻⁸ units of P&L times |A| × |B|.
        let denominator = Decimal(a.count * b.count) * 100_000_000
        func end(_ probability: Decimal) -> Decimal {
            (quantile(probability, ofSorted: numerators) / denominator).rounded(places: 8)
        }
        return DifferenceEstimate(
            meanDifference: (mean(b) - mean(a)).rounded(places: 8), lower: end(tail), upper: end(1 - tail), confidence: confidence,
            resamples: resamples)
    }

    private static func mean(_ values: [Decimal]) -> Decimal {
        values.reduce(0, +) / Decimal(values.count)
    }

    /// A P&L in units of 10⁻⁸ (the ledger's precision), rounded to the nearest.
    private static func units(_ value: Decimal) -> Int128 {
        Int128((value * 100_000_000).rounded(places: 0).description) ?? 0
    }

    /// The sum of `sample.count` draws with replacement. An index is the high half of a 64-bit random number times
    /// the count (Lemire's multiply-shift): no division, and a bias below count / 2⁶⁴.
    private static func resampledSum(of sample: [Int128], using generator: inout SplitMix64) -> Int128 {
        let count = UInt64(sample.count)
        var sum: Int128 = 0
        sample.withUnsafeBufferPointer { values in
            for _ in 0..<values.count {
                sum += values[Int(generator.next().multipliedFullWidth(by: count).high)]
            }
        }
        return sum
    }

    /// The `probability` quantile, interpolated linearly between the two order statistics around it.
    private static func quantile(_ probability: Decimal, ofSorted values: [Int128]) -> Decimal {
        let position = probability * Decimal(values.count - 1)
        let below = Int(truncating: NSDecimalNumber(decimal: position.rounded(.down, places: 0)))
        let above = min(below + 1, values.count - 1)
        let fraction = position - Decimal(below)
        return decimal(values[below]) + fraction * decimal(values[above] - values[below])
    }

    private static func decimal(_ value: Int128) -> Decimal { Decimal(string: String(value)) ?? 0 }
}
