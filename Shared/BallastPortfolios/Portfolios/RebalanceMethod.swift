/// What starts a portfolio's rebalances besides a manual request.
public enum RebalanceMethod: String, Sendable, Codable, CaseIterable {
    /// Only manual or API requests.
    case none
    /// The drift monitor, when an asset leaves its band.
    case drift
    /// The portfolio's schedule.
    case scheduled
    /// Both the schedule and the drift monitor.
    case hybrid

    var followsDrift: Bool { self == .drift || self == .hybrid }
    var followsSchedule: Bool { self == .scheduled || self == .hybrid }
}
