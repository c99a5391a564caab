import Foundation
import Synchronization

/// The parsed URL and secrets of the endpoints a sender delivers to, so that each attempt does not parse the same
/// text again. An entry is used only while the endpoint's stored URL and secrets are the ones it was parsed from.
final class EndpointTargets: Sendable {
    struct Parsed: Sendable {
        var url: String
        var secretTexts: [String]
        var target: Result<WebhookTargetURL, WebhookTargetError>
        var secrets: [WebhookSecret]
    }

    /// Past this many endpoints the cache starts over, rather than growing without bound.
    static let capacity = 10_000

    private let entries = Mutex<[UUID: Parsed]>([:])

    func parsed(for delivery: ClaimedDelivery) -> Parsed {
        if let cached = entries.withLock({ $0[delivery.endpointID] }), cached.url == delivery.url, cached.secretTexts == delivery.secrets {
            return cached
        }
        let parsed = Parsed(
            url: delivery.url, secretTexts: delivery.secrets,
            target: Result { () throws(WebhookTargetError) in try WebhookTargetURL(parsing: delivery.url) },
            secrets: delivery.secrets.compactMap { try? WebhookSecret(parsing: $0) })
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[delivery.endpointID] = parsed
        }
        return parsed
    }
}
