import BallastPortfolios
import BallastService
import Foundation
import Hummingbird

/// `GET /api/v1/rebalances/{id}`: one rebalance run of the caller's, with the inputs it planned from and its plan, so
/// that the plan can be made again and checked. Another user's run is a 404, like an unknown one.
struct RebalancesController {
    let runs: RebalanceRunStore

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get("{id}") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "rebalance run")
            guard let run = try await runs.run(id, user: user) else { throw ProblemDetails.notFound("rebalance run", "\(id)") }
            return RebalanceRunView(run)
        }
    }
}

extension RebalanceRunView: ResponseEncodable {}
