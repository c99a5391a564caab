import BallastCore
import Foundation
import Testing

@testable import BallastTrading

/// `count` trade P&Ls spread evenly over `center` ± 1, shuffled by a seeded generator (exact to 8 places).
private func sample(count: Int, center: Decimal, seed: UInt64) -> [Decimal] {
    var generator = SplitMix64(seed: seed)
    let step = Decimal(2) / Decimal(count - 1)
    return (0..<count).map { center - 1 + Decimal($0) * step }.map { $0.rounded(places: 8) }.shuffled(using: &generator)
}

@Suite("Bootstrap difference of mean trade P&L")
struct DifferenceEstimateTests {
    @Test("identical samples: no difference, an interval around 0, not significant")
    func identical() throws {
        let trades = sample(count: 200, center: 1, seed: 1)
        let estimate = try #require(DifferenceEstimate.bootstrap(a: trades, b: trades, seed: 9))
        #expect(estimate.meanDifference == 0)
        #expect(estimate.lower < 0 && estimate.upper > 0)
        #expect(!estimate.isSignificant)
        #expect(estimate.confidence == 0.95 && estimate.resamples == 10_000)
    }

    @Test(
        "clearly different samples: the interval lies on B's side of 0",
        arguments: [(Decimal(-1), Decimal(1)), (Decimal(3), Decimal(2))]
    )
    func different(centerA: Decimal, centerB: Decimal) throws {
        let estimate = try #require(
            DifferenceEstimate.bootstrap(
                a: sample(count: 100, center: centerA, seed: 2), b: sample(count: 80, center: centerB, seed: 3), seed: 9))
        #expect(estimate.meanDifference == centerB - centerA)
        #expect(estimate.isSignificant)
        #expect(estimate.lower < estimate.meanDifference && estimate.meanDifference < estimate.upper)
        #expect(centerB > centerA ? estimate.lower > 0 : estimate.upper < 0)
    }

    /// For 1,000 trades a side the bootstrap interval is close to the normal one, mean ± 1.96 standard errors; the
    /// spread over ±1 has a variance of about 1/3, so the half-width is near 1.96 × √(2/3 / 1,000) ≈ 0.0506.
    @Test("with many trades the interval is close to the normal approximation")
    func normalApproximation() throws {
        let a = sample(count: 1_000, center: 0, seed: 4)
        let b = sample(count: 1_000, center: decimal("0.1"), seed: 5)
        let estimate = try #require(DifferenceEstimate.bootstrap(a: a, b: b, seed: 11))
        let halfWidth = NSDecimalNumber(decimal: (estimate.upper - estimate.lower) / 2).doubleValue
        let expected = 1.96 * (2 * (1_000.0 + 1) / (3 * 999.0) / 1_000).squareRoot()
        #expect(abs(halfWidth - expected) < expected * 0.05, "half-width \(halfWidth), expected about \(expected)")
        #expect(estimate.meanDifference == decimal("0.1"))
    }

    @Test("the same inputs and seed give the same interval; another seed moves only the interval")
    func deterministic() throws {
        let a = sample(count: 50, center: 0, seed: 6)
        let b = sample(count: 60, center: decimal("0.2"), seed: 7)
        let first = try #require(DifferenceEstimate.bootstrap(a: a, b: b, seed: 123))
        #expect(DifferenceEstimate.bootstrap(a: a, b: b, seed: 123) == first)
        let other = try #require(DifferenceEstimate.bootstrap(a: a, b: b, seed: 124))
        #expect(other.meanDifference == first.meanDifference)
        #expect(other.lower != first.lower || other.upper != first.upper)
    }

    @Test("a higher confidence widens the interval")
    func confidence() throws {
        let a = sample(count: 40, center: 0, seed: 8)
        let b = sample(count: 40, center: decimal("0.3"), seed: 9)
        let narrow = try #require(DifferenceEstimate.bootstrap(a: a, b: b, confidence: 0.8, resamples: 2_000, seed: 1))
        let wide = try #require(DifferenceEstimate.bootstrap(a: a, b: b, confidence: 0.99, resamples: 2_000, seed: 1))
        #expect(wide.lower < narrow.lower && narrow.upper < wide.upper)
        #expect(wide.confidence == 0.99 && wide.resamples == 2_000)
    }

    @Test("samples that never vary give a point interval: significant unless equal")
    func constant() throws {
        let estimate = try #require(DifferenceEstimate.bootstrap(a: [1, 1, 1], b: [3, 3], seed: 1))
        #expect(estimate == DifferenceEstimate(meanDifference: 2, lower: 2, upper: 2, confidence: 0.95, resamples: 10_000))
        #expect(estimate.isSignificant)
        #expect(DifferenceEstimate.bootstrap(a: [2, 2], b: [2, 2], seed: 1)?.isSignificant == false)
    }

    @Test(
        "fewer than 2 trades on either side gives no estimate",
        arguments: [
            ([Decimal](), [Decimal]([1, 2])),
            ([1], [1, 2]),
            ([1, 2], [3]),
            ([], []),
        ]
    )
    func tooFewTrades(a: [Decimal], b: [Decimal]) {
        #expect(DifferenceEstimate.bootstrap(a: a, b: b, seed: 1) == nil)
    }
}
