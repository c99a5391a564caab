import BallastService
import BallastTrading
import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// What the paper-trading routes use: signal-processor's read queries, its owner actions (cancel an order,
/// close a position), and the database the risk limits are written to.
public struct TradingBackend: Sendable {
    let queries: TradingQueryStore
    let actions: AccountActions
    let database: PostgresClient
    let logger: Logger

    public init(queries: TradingQueryStore, actions: AccountActions, database: PostgresClient, logger: Logger) {
        self.queries = queries
        self.actions = actions
        self.database = database
        self.logger = logger
    }

    /// The 404 of a caller without a paper account, saying how to create one.
    func noAccount(_ user: UUID) async throws -> ProblemDetails {
        let name = try await queries.userName(user) ?? "<user>"
        return ProblemDetails(status: .notFound, detail: PaperAccountStore.Failure.noAccount(name).description)
    }
}
