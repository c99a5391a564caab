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

    /// The `{id}` path parameter; a value that is not a UUID names nothing, so it is a 404 like an unknown id.
    static func id(_ context: IngestRequestContext, _ noun: String) throws -> UUID {
        let text = try context.parameters.require("id")
        guard let id = UUID(uuidString: text) else { throw notFound(noun, text) }
        return id
    }

    static func notFound(_ noun: String, _ id: some StringProtocol) -> ProblemDetails {
        ProblemDetails(status: .notFound, detail: "no \(noun) with id '\(id.prefix(64))'")
    }
}
