import BallastMarket
import Foundation

/// The data of `drift.threshold_exceeded`: the portfolio, its valuation and which assets left their band.
struct DriftEvent: Encodable {
    var portfolioID: UUID
    var name: String
    var portfolioValue: WideDecimal
    var maxDrift: FixedDecimal
    var driftThreshold: FixedDecimal
    var thresholdRelative: Bool
    var assets: [AssetDrift]
    var runID: UUID?

    init(_ crossing: DriftCrossing, runID: UUID?) {
        portfolioID = crossing.portfolio.id
        name = crossing.portfolio.name
        portfolioValue = crossing.report.portfolioValue
        maxDrift = crossing.report.maxDrift
        driftThreshold = crossing.portfolio.settings.driftThreshold
        thresholdRelative = crossing.portfolio.settings.thresholdIsRelative
        assets = crossing.report.assets
        self.runID = runID
    }

    enum CodingKeys: String, CodingKey {
        case portfolioID = "portfolioId"
        case name, portfolioValue, maxDrift, driftThreshold, thresholdRelative, assets
        case runID = "runId"
    }
}
