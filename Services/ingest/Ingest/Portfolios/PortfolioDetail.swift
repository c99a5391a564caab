import BallastPortfolios
import Hummingbird

/// `GET /api/v1/portfolios/{id}`: the portfolio, and under `valuation` what its account holds at the last prices.
struct PortfolioDetail: ResponseEncodable, Sendable {
    var portfolio: PortfolioView
    var valuation: PortfolioValuation

    enum CodingKeys: String, CodingKey {
        case valuation
    }

    func encode(to encoder: any Encoder) throws {
        try portfolio.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(valuation, forKey: .valuation)
    }
}
