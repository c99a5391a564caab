import BallastMarket
import BallastPortfolios
import Foundation
import Hummingbird

/// `GET /api/v1/portfolios/{id}/drift`: how far each asset is from its target, against the portfolio's threshold, at
/// prices no older than the rebalancer accepts. A price missing or too old is an answer too (`priced: false`, with
/// the reason), not an error: it is the state of the market data, and the rebalancer would refuse the same.
struct PortfolioDrift: ResponseEncodable, Sendable {
    var portfolioID: UUID
    var quoteCurrency: String
    var threshold: FixedDecimal
    var thresholdRelative: Bool
    var rebalanceTo: RebalanceTarget
    var valuation: PortfolioValuation

    init(_ portfolio: Portfolio, valuation: PortfolioValuation) {
        portfolioID = portfolio.id
        quoteCurrency = portfolio.quoteCurrency
        threshold = portfolio.settings.driftThreshold
        thresholdRelative = portfolio.settings.thresholdIsRelative
        rebalanceTo = portfolio.settings.rebalanceTo
        self.valuation = valuation
    }

    enum CodingKeys: String, CodingKey {
        case portfolioID = "portfolioId"
        case quoteCurrency, threshold, thresholdRelative, rebalanceTo
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(portfolioID, forKey: .portfolioID)
        try container.encode(quoteCurrency, forKey: .quoteCurrency)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(thresholdRelative, forKey: .thresholdRelative)
        try container.encode(rebalanceTo, forKey: .rebalanceTo)
        try valuation.encode(to: encoder)
    }
}
