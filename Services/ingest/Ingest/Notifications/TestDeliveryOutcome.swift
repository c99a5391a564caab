import BallastWebhooks
import Hummingbird

/// The answer of `POST /api/v1/webhooks/{id}/test`: how the one attempt went, and the delivery as its log keeps it.
struct TestDeliveryOutcome: ResponseEncodable, Sendable {
    var delivered: Bool
    var statusCode: Int?
    var error: String?
    var durationMs: Int
    var delivery: DeliveryView
}
