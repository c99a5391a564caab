import BallastCore
import Foundation

/// Which variants of an experiment a signal runs on.
///
/// A split puts each signal in one of 10,000 buckets by a hash of the experiment id and the signal id, and each
/// variant owns a contiguous range of buckets in proportion to its weight. The same pair of ids therefore always
/// lands on the same variant, in any process and on any platform, as long as the weights stay the same.
///
/// Variants are ordered by the UTF-8 bytes of their names (no locale, no Unicode tables), so the order they were
/// written in changes nothing: the first variant owns the lowest buckets.
///
/// Bucket rounding: a variant's range ends at its cumulative weight (its own plus those before it) times 100,
/// rounded half up to a whole bucket. Weights with at most two decimals (33.33 / 33.33 / 33.34) are exact
/// (3,333 / 3,333 / 3,334 buckets); finer ones are off by less than one bucket each (33.333 / 33.333 / 33.334 give
/// 3,333 / 3,334 / 3,333), and the last range always ends at 10,000 because the weights sum to exactly 100.
public struct VariantAssignment: Sendable {
    public static let bucketCount = 10_000

    public let experimentID: UUID
    /// Every variant of the experiment, ordered by name.
    public let variants: [String]
    /// The buckets each variant owns; empty for a shadow experiment, where no signal is bucketed.
    public let bucketRanges: [String: Range<Int>]
    /// Split only: the end of each variant's range, in the order of `variants`.
    private let rangeEnds: [Int]

    public init(experimentID: UUID, weights: ExperimentWeights, variants: [String]) throws(ExperimentError) {
        guard !variants.isEmpty else { throw .noVariants }
        if variants.contains("") { throw .emptyVariantName }
        var seen: Set<String> = []
        for name in variants where !seen.insert(name).inserted { throw .duplicateVariant(name) }
        let ordered = variants.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        self.experimentID = experimentID
        self.variants = ordered
        switch weights {
        case .shadow:
            rangeEnds = []
            bucketRanges = [:]
        case .split(let percents):
            let ends = try Self.rangeEnds(of: ordered, percents: percents)
            rangeEnds = ends
            bucketRanges = Dictionary(
                uniqueKeysWithValues: ordered.indices.map { index in
                    (ordered[index], (index == 0 ? 0 : ends[index - 1])..<ends[index])
                }
            )
        }
    }

    /// Split: the one variant whose range holds the signal's bucket. Shadow: every variant, ordered by name.
    public func variants(for signalID: UUID) -> [String] {
        guard !rangeEnds.isEmpty else { return variants }
        let bucket = Self.bucket(experimentID: experimentID, signalID: signalID)
        let index = rangeEnds.firstIndex { bucket < $0 } ?? rangeEnds.count - 1
        return [variants[index]]
    }

    /// The signal's bucket in 0..<10,000: FNV-1a 64 over the 16 bytes of the experiment id and then the 16 of the
    /// signal id (each in the order their text spells them), passed through one SplitMix64 step so that every input
    /// bit reaches the low digits the remainder keeps, modulo 10,000. Written out here, not Swift's `Hasher`, which
    /// is seeded per process; the tests pin a table of results so that it never changes.
    public static func bucket(experimentID: UUID, signalID: UUID) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for id in [experimentID, signalID] {
            withUnsafeBytes(of: id.uuid) { bytes in
                for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            }
        }
        var mixer = SplitMix64(seed: hash)
        return Int(mixer.next() % UInt64(bucketCount))
    }

    private static func rangeEnds(of variants: [String], percents: [String: Decimal]) throws(ExperimentError) -> [Int] {
        if let unknown = percents.keys.sorted().first(where: { !variants.contains($0) }) {
            throw .weightForUnknownVariant(unknown)
        }
        var weights: [Decimal] = []
        for variant in variants {
            guard let weight = percents[variant] else { throw .missingWeight(variant: variant) }
            guard weight > 0 else { throw .weightNotPositive(variant: variant, weight: weight) }
            weights.append(weight)
        }
        let sum = weights.reduce(0, +)
        guard sum == 100 else { throw .weightsDoNotSumTo100(sum: sum) }
        var cumulative = Decimal.zero
        var ends: [Int] = []
        for (variant, weight) in zip(variants, weights) {
            cumulative += weight
            let end = NSDecimalNumber(decimal: (cumulative * 100).rounded(.plain, places: 0)).intValue
            guard end > (ends.last ?? 0) else { throw .weightBelowOneBucket(variant: variant, weight: weight) }
            ends.append(end)
        }
        return ends
    }
}
