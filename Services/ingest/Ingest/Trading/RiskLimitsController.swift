import BallastCore
import BallastService
import BallastTrading
import Foundation
import Hummingbird

/// `GET /api/v1/risk-limits` and `PUT /api/v1/risk-limits` (replaces them all): the limits signal-processor
/// checks the caller's orders against.
struct RiskLimitsController {
    static let maxBodyBytes = 64 * 1024

    let trading: TradingBackend

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get { _, context in
            let user = try context.requireUser()
            guard let limits = try await trading.queries.riskLimits(of: user) else { throw try await trading.noAccount(user) }
            return RiskLimitsView(limits)
        }
        group.put { request, context in
            let user = try context.requireUser()
            let limits = try RiskLimitsParser.parse(try await JSONRequestBody.read(request, maxBytes: Self.maxBodyBytes).value)
            let accounts = PaperAccountStore(database: trading.database, logger: trading.logger)
            guard let account = try await accounts.account(of: user) else { throw try await trading.noAccount(user) }
            try await RiskLimitsStore.save(limits, account: account.id, database: trading.database, logger: trading.logger)
            return RiskLimitsView(limits)
        }
    }
}

extension RiskLimitsView: ResponseEncodable {}
