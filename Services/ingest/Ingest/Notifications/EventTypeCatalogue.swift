import BallastCore
import BallastWebhooks
import Foundation
import Hummingbird

/// `GET /api/v1/webhooks/event-types`: `WebhookEventType.catalogue` with a full example body of each type, so that a
/// receiver can be written before the first event comes. Built once: the catalogue is fixed at build time.
enum EventTypeCatalogue {
    static let exampleUserID = "2f1d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b"
    static let exampleTimestamp = "2026-12-06T12:00:00.000Z"

    static let text: String = {
        let types = WebhookEventType.catalogue.map { type in
            JSONValue.object([
                ("name", .string(type.name)),
                ("description", .string(type.description)),
                ("example", example(type)),
            ])
        }
        return JSONValue.object([("data", .array(types))]).serialized
    }()

    static var response: Response { .json(text) }

    /// The body an endpoint receives for `type`; the example data is the catalogue's own JSON text, which its unit tests
    /// parse, so the `null` fallback only marks a broken catalogue without failing the route.
    private static func example(_ type: WebhookEventType) -> JSONValue {
        .object([
            ("event", .string(type.name)),
            ("timestamp", .string(exampleTimestamp)),
            ("userId", .string(exampleUserID)),
            ("data", (try? JSONValue(parsing: Array(type.exampleData.utf8))) ?? .null),
        ])
    }
}
