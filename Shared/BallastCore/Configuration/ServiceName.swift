/// The six Ballast services, with the defaults each one's configuration starts from.
public enum ServiceName: String, Sendable, CaseIterable {
    case ingest
    case signalProcessor = "signal-processor"
    case rebalancer
    case marketData = "market-data"
    case deposits
    case notifier

    /// Also the consumer group name on every stream the service reads.
    public var name: String { rawValue }

    /// `BALLAST_<NAME>_ADMIN_PORT`.
    public var adminPortVariable: String {
        "BALLAST_\(rawValue.uppercased().replacingOccurrences(of: "-", with: "_"))_ADMIN_PORT"
    }

    public var defaultAdminPort: Int {
        switch self {
        case .ingest: 9101
        case .signalProcessor: 9102
        case .rebalancer: 9103
        case .marketData: 9104
        case .deposits: 9105
        case .notifier: 9106
        }
    }
}
