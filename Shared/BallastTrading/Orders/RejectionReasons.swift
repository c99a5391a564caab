/// The reasons a signal was rejected (an `Error`, so it can travel in a `Result`).
public struct RejectionReasons: Error, Sendable, Equatable {
    public var reasons: [RiskViolation]

    public init(_ reasons: [RiskViolation]) { self.reasons = reasons }
}
