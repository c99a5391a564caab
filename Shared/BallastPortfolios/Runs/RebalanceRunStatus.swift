/// Where a run is: waiting for a rebalancer, being run by one (under a lease), or finished.
public enum RebalanceRunStatus: String, Sendable, Codable, CaseIterable {
    case pending, running, completed, failed

    public var isActive: Bool { self == .pending || self == .running }
}
