import BallastService
import BallastWebhooks
import Foundation
import Hummingbird

/// `GET /api/v1/deliveries/{id}` (with its payload and attempts) and `POST /api/v1/deliveries/{id}/retry` (sent
/// again now, with a fresh retry schedule), for deliveries to the caller's endpoints.
struct DeliveriesController {
    let deliveries: WebhookDeliveryStore

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get("{id}") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "delivery")
            guard let delivery = try await deliveries.delivery(id, user: user) else {
                throw ProblemDetails.notFound("delivery", "\(id)")
            }
            return delivery
        }
        group.post("{id}/retry") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "delivery")
            switch try await deliveries.retry(id, user: user) {
            case .scheduled:
                guard let delivery = try await deliveries.delivery(id, user: user) else {
                    throw ProblemDetails.notFound("delivery", "\(id)")
                }
                return EditedResponse(status: .accepted, response: delivery)
            case .notFound:
                throw ProblemDetails.notFound("delivery", "\(id)")
            case .alreadyPending:
                throw ProblemDetails(status: .conflict, detail: "the delivery is already pending: its next attempt is scheduled")
            case .endpointDisabled:
                throw ProblemDetails(
                    status: .conflict,
                    detail: "the delivery's webhook is disabled; enable it first (POST /api/v1/webhooks/{id}/enable)")
            }
        }
    }
}

extension DeliveryView: ResponseEncodable {}
