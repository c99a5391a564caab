import Foundation

/// A monitored portfolio found outside its band, with the valuation that showed it (`drift.threshold_exceeded`
/// carries it).
public struct DriftCrossing: Sendable {
    public var portfolio: Portfolio
    public var report: DriftReport

    public init(portfolio: Portfolio, report: DriftReport) {
        self.portfolio = portfolio
        self.report = report
    }
}
