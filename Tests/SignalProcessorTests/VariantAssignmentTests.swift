import BallastCore
import Foundation
import Testing

@testable import BallastTrading

private func id(_ text: String) -> UUID {
    guard let value = UUID(uuidString: text) else { preconditionFailure("bad test id \(text)") }
    return value
}

private func split(_ weights: [String: String]) -> ExperimentWeights {
    .split(weights.mapValues(decimal))
}

/// Random ids from a seeded generator, the same on every run.
private func signalIDs(count: Int, seed: UInt64) -> [UUID] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in
        var bytes = (generator.next(), generator.next())
        return withUnsafeBytes(of: &bytes) { raw in
            UUID(
                uuid: (
                    raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7],
                    raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]
                )
            )
        }
    }
}

@Suite("Variant assignment")
struct VariantAssignmentTests {
    static let experiment = id("6F1C7E2A-3B4D-4E5F-8A9B-0C1D2E3F4A5B")

    /// Signals already assigned must stay where they are whatever the build: this table was computed once, by an
    /// implementation of the documented hash written apart from this one (FNV-1a 64 over both ids' bytes, one
    /// SplitMix64 step, modulo 10,000). A row that fails means the assignment of stored experiments changed.
    @Test(
        "the same ids always give the same bucket and variant",
        arguments: [
            ("00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000", 9913, "B", "B", "slow"),
            ("00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000001", 574, "A", "A", "control"),
            ("6F1C7E2A-3B4D-4E5F-8A9B-0C1D2E3F4A5B", "11111111-2222-4333-8444-555555555555", 337, "A", "A", "control"),
            ("6F1C7E2A-3B4D-4E5F-8A9B-0C1D2E3F4A5B", "11111111-2222-4333-8444-555555555556", 1148, "A", "A", "control"),
            ("6F1C7E2A-3B4D-4E5F-8A9B-0C1D2E3F4A5B", "0192F3A4-B5C6-7D8E-9FA0-B1C2D3E4F506", 4170, "A", "A", "fast"),
            ("C0FFEE00-DEAD-4BEE-8F00-112233445566", "0192F3A4-B5C6-7D8E-9FA0-B1C2D3E4F507", 9309, "B", "B", "slow"),
            ("C0FFEE00-DEAD-4BEE-8F00-112233445566", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", 5138, "B", "A", "fast"),
            ("c0ffee00-dead-4bee-8f00-112233445566", "123e4567-e89b-42d3-a456-426614174000", 6374, "B", "A", "fast"),
        ]
    )
    func stableAssignment(experiment: String, signal: String, bucket: Int, half: String, ninety: String, third: String) throws {
        let experimentID = id(experiment)
        let signalID = id(signal)
        #expect(VariantAssignment.bucket(experimentID: experimentID, signalID: signalID) == bucket)
        let halves = try VariantAssignment(experimentID: experimentID, weights: split(["A": "50", "B": "50"]), variants: ["A", "B"])
        let ninetyTen = try VariantAssignment(experimentID: experimentID, weights: split(["A": "90", "B": "10"]), variants: ["A", "B"])
        let thirds = try VariantAssignment(
            experimentID: experimentID, weights: split(["control": "33.33", "fast": "33.33", "slow": "33.34"]),
            variants: ["slow", "control", "fast"])
        #expect(halves.variants(for: signalID) == [half])
        #expect(ninetyTen.variants(for: signalID) == [ninety])
        #expect(thirds.variants(for: signalID) == [third])
    }

    @Test("the order the variants are written in changes no assignment")
    func orderIndependence() throws {
        let weights = split(["control": "20", "fast": "30.5", "slow": "49.5"])
        let orders = [
            ["control", "fast", "slow"], ["slow", "fast", "control"], ["fast", "control", "slow"], ["slow", "control", "fast"],
        ]
        let assignments = try orders.map { try VariantAssignment(experimentID: Self.experiment, weights: weights, variants: $0) }
        for signalID in signalIDs(count: 2_000, seed: 7) {
            let chosen = Set(assignments.map { $0.variants(for: signalID) })
            #expect(chosen.count == 1, "signal \(signalID) went to \(chosen)")
        }
        #expect(Set(assignments.map(\.variants)) == [["control", "fast", "slow"]])
    }

    /// 100,000 draws: one standard deviation of a share p is √(p(1 − p) / 100,000), at most 0.16 percentage points
    /// (p = ½), so 0.5 points is more than three of them for every row; the ids are seeded, so the test cannot flake.
    @Test(
        "a split sends each variant its weight's share of signals, within 0.5 percentage points",
        arguments: [
            ["A": "50", "B": "50"],
            ["A": "90", "B": "10"],
            ["A": "33.33", "B": "33.33", "C": "33.34"],
            ["A": "0.5", "B": "4.5", "C": "95"],
        ]
    )
    func splitAccuracy(weights: [String: String]) throws {
        let assignment = try VariantAssignment(experimentID: Self.experiment, weights: split(weights), variants: Array(weights.keys))
        let ids = signalIDs(count: 100_000, seed: 42)
        var counts: [String: Int] = [:]
        for signalID in ids {
            let chosen = assignment.variants(for: signalID)
            #expect(chosen.count == 1)
            counts[chosen[0], default: 0] += 1
        }
        for (variant, weight) in weights {
            let share = Double(counts[variant, default: 0]) / Double(ids.count) * 100
            let expected = NSDecimalNumber(decimal: decimal(weight)).doubleValue
            #expect(abs(share - expected) < 0.5, "\(variant): \(share)% for a weight of \(weight)")
        }
    }

    @Test(
        "each variant owns a contiguous range of buckets, its cumulative weight rounded half up to a bucket",
        arguments: [
            (["A": "50", "B": "50"], ["A": 0..<5_000, "B": 5_000..<10_000]),
            (["A": "33.33", "B": "33.33", "C": "33.34"], ["A": 0..<3_333, "B": 3_333..<6_666, "C": 6_666..<10_000]),
            // Cumulative 33.333 → 3,333.3 → 3,333; 66.666 → 6,666.6 → 6,667: no range is off by a whole bucket.
            (["A": "33.333", "B": "33.333", "C": "33.334"], ["A": 0..<3_333, "B": 3_333..<6_667, "C": 6_667..<10_000]),
            (["A": "0.01", "B": "99.99"], ["A": 0..<1, "B": 1..<10_000]),
            (["only": "100"], ["only": 0..<10_000]),
        ]
    )
    func bucketRanges(weights: [String: String], ranges: [String: Range<Int>]) throws {
        let assignment = try VariantAssignment(experimentID: Self.experiment, weights: split(weights), variants: Array(weights.keys))
        #expect(assignment.bucketRanges == ranges)
    }

    @Test("shadow runs every signal on every variant, ordered by name")
    func shadow() throws {
        let assignment = try VariantAssignment(experimentID: Self.experiment, weights: .shadow, variants: ["slow", "B", "a", "fast"])
        for signalID in signalIDs(count: 100, seed: 3) {
            #expect(assignment.variants(for: signalID) == ["B", "a", "fast", "slow"])
        }
        #expect(assignment.bucketRanges.isEmpty)
    }

    @Test(
        "variants and weights that cannot be assigned are refused with the reason",
        arguments: [
            (ExperimentWeights.shadow, [String](), ExperimentError.noVariants),
            (.shadow, ["A", ""], .emptyVariantName),
            (.shadow, ["A", "B", "A"], .duplicateVariant("A")),
            (split(["A": "50", "B": "50"]), ["A", "B", "B"], .duplicateVariant("B")),
            (split(["A": "100"]), ["A", "B"], .missingWeight(variant: "B")),
            (split(["A": "50", "B": "50", "C": "0"]), ["A", "B"], .weightForUnknownVariant("C")),
            (split(["A": "100", "B": "0"]), ["A", "B"], .weightNotPositive(variant: "B", weight: 0)),
            (split(["A": "110", "B": "-10"]), ["A", "B"], .weightNotPositive(variant: "B", weight: -10)),
            (split(["A": "50", "B": "49.99"]), ["A", "B"], .weightsDoNotSumTo100(sum: decimal("99.99"))),
            (split(["A": "50", "B": "50.001"]), ["A", "B"], .weightsDoNotSumTo100(sum: decimal("100.001"))),
            (split(["A": "0.004", "B": "99.996"]), ["A", "B"], .weightBelowOneBucket(variant: "A", weight: decimal("0.004"))),
        ]
    )
    func invalid(weights: ExperimentWeights, variants: [String], error: ExperimentError) {
        #expect(throws: error) {
            try VariantAssignment(experimentID: Self.experiment, weights: weights, variants: variants)
        }
    }
}
