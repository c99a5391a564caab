/// How far a rebalance moves an asset: all the way to its target weight, or only back to the edge of its band
/// (target ± threshold), which trades less.
public enum RebalanceTarget: String, Sendable, Codable, CaseIterable {
    case target
    case band
}
