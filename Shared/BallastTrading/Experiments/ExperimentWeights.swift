import Foundation

/// How an experiment shares signals between its variants.
public enum ExperimentWeights: Sendable, Equatable {
    /// Each signal runs on one variant: variant name → percent of the signals, the percents summing to exactly 100.
    case split([String: Decimal])
    /// Every signal runs on every variant, so that the variants are compared on the same signals.
    case shadow
}
