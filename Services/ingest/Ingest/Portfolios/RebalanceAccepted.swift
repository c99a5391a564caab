import Foundation
import Hummingbird

/// The 202 of `POST /api/v1/portfolios/{id}/rebalance`: the run asked for, which a rebalancer will pick up.
struct RebalanceAccepted: ResponseEncodable, Sendable {
    var runID: UUID
    var portfolioID: UUID
    var status: String
    var dryRun: Bool

    enum CodingKeys: String, CodingKey {
        case runID = "runId"
        case portfolioID = "portfolioId"
        case status, dryRun
    }
}
