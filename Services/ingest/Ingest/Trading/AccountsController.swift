import BallastService
import BallastTrading
import Foundation
import Hummingbird

/// `GET /api/v1/accounts`: the caller's paper account, its pricing and balances.
struct AccountsController {
    let trading: TradingBackend

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get { _, context in
            let user = try context.requireUser()
            guard let account = try await trading.queries.account(of: user) else { throw try await trading.noAccount(user) }
            return account
        }
    }
}

extension AccountView: ResponseEncodable {}
