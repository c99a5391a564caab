import BallastCore
import Foundation

/// How much better variant B's mean trade is than A's, with a bootstrap confidence interval.
public struct DifferenceEstimate: Sendable, Equatable {
    /// Mean trade P&L of B minus that of A, exact, rounded to 8 places.
    public var meanDifference: Decimal
    /// The percentile bootstrap interval of `meanDifference`, rounded to 8 places.
    public var lower: Decimal
    public var upper: Decimal
    public var confidence: Double
    public var resamples: Int
    /// The interval excludes 0: the difference is unlikely to be chance at this confidence.
    public var isSignificant: Bool

    public init(meanDifference: Decimal, lower: Decimal, upper: Decimal, confidence: Double, resamples: Int) {
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
    /// Statistics in `Double`: an interval is an estimate, and summing doubles keeps 10,000 resamples of 1,000
    /// trades a matter of milliseconds.
    public static func bootstrap(
        a: [Decimal], b: [Decimal], confidence: Double = 0.95, resamples: Int = 10_000, seed: UInt64
    ) -> DifferenceEstimate? {
        precondition(confidence > 0 && confidence < 1, "confidence is a fraction between 0 and 1, got \(confidence)")
        precondition(resamples > 0, "at least one resample, got \(resamples)")
        guard a.count >= 2, b.count >= 2 else { return nil }
        let sampleA = a.map { NSDecimalNumber(decimal: $0).doubleValue }
        let sampleB = b.map { NSDecimalNumber(decimal: $0).doubleValue }
        var generator = SplitMix64(seed: seed)
        var differences = [Double](repeating: 0, count: resamples)
        for index in differences.indices {
            let meanA = resampledMean(of: sampleA, using: &generator)
            differences[index] = resampledMean(of: sampleB, using: &generator) - meanA
        }
        differences.sort()
        let tail = (1 - confidence) / 2
        return DifferenceEstimate(
            meanDifference: (mean(b) - mean(a)).rounded(places: 8),
            lower: Decimal(quantile(tail, ofSorted: differences)).rounded(places: 8),
            upper: Decimal(quantile(1 - tail, ofSorted: differences)).rounded(places: 8),
            confidence: confidence,
            resamples: resamples
        )
    }

    private static func mean(_ values: [Decimal]) -> Decimal {
        values.reduce(0, +) / Decimal(values.count)
    }

    /// The mean of `sample.count` draws with replacement. An index is the high half of a 64-bit random number times
    /// the count (Lemire's multiply-shift): no division, and a bias below count / 2⁶⁴.
    private static func resampledMean(of sample: [Double], using generator: inout SplitMix64) -> Double {
        let count = UInt64(sample.count)
        var sum = 0.0
        sample.withUnsafeBufferPointer { values in
            for _ in 0..<values.count {
                sum += values[Int(generator.next().multipliedFullWidth(by: count).high)]
            }
        }
        return sum / Double(sample.count)
    }

    private static func quantile(_ probability: Double, ofSorted values: [Double]) -> Double {
        let position = probability * Double(values.count - 1)
        let below = Int(position.rounded(.down))
        let above = min(below + 1, values.count - 1)
        return values[below] + (position - Double(below)) * (values[above] - values[below])
    }
}
