import Foundation

/// An experiment whose variants or weights cannot be assigned, with what to change.
public enum ExperimentError: Error, Equatable, CustomStringConvertible {
    case noVariants
    case emptyVariantName
    case duplicateVariant(String)
    case missingWeight(variant: String)
    case weightForUnknownVariant(String)
    case weightNotPositive(variant: String, weight: Decimal)
    case weightsDoNotSumTo100(sum: Decimal)
    /// The weight is too small to own one of the 10,000 buckets once rounded.
    case weightBelowOneBucket(variant: String, weight: Decimal)

    public var description: String {
        switch self {
        case .noVariants:
            "an experiment needs at least one variant"
        case .emptyVariantName:
            "a variant needs a name"
        case .duplicateVariant(let name):
            "the variant '\(name)' is listed twice"
        case .missingWeight(let variant):
            "the variant '\(variant)' has no weight; give every variant a percent"
        case .weightForUnknownVariant(let variant):
            "a weight is given for '\(variant)', which is not a variant of the experiment"
        case .weightNotPositive(let variant, let weight):
            "the weight of '\(variant)' is \(weight); weights are percents above 0"
        case .weightsDoNotSumTo100(let sum):
            "the weights sum to \(sum); they must sum to exactly 100"
        case .weightBelowOneBucket(let variant, let weight):
            "the weight of '\(variant)' (\(weight)) rounds to no bucket; the smallest share is 0.01 percent"
        }
    }
}
