import BallastCore
import BallastService
import BallastWebhooks

/// A webhook endpoint's fields as `POST`, `PATCH` and `PUT /api/v1/webhooks` send them, read one at a time so that one
/// 400 names every bad field. JSON types are strict (a URL sent as a number is refused, not read as its digits) and
/// unknown fields are refused, so that a misspelt field never leaves a setting silently as it was.
struct WebhookEndpointInput {
    static let maxEvents = 50
    static let maxDescriptionLength = 500
    /// What a create may set; an update sets the same but the secret, which only a rotation replaces.
    static let createFields = ["url", "events", "description", "enabled", "secret"]
    static let updateFields = ["url", "events", "description", "enabled"]

    var url: WebhookTargetURL?
    var events: [String]?
    var description: String?
    var enabled: Bool?
    var secret: WebhookSecret?

    /// Reads `body`, a JSON object with some of `fields`; `url` must pass `targetGuard` (a host that does not resolve
    /// passes: the notifier checks again at each attempt, and logs the failure where the owner sees it).
    static func read(
        _ body: JSONValue, fields: [String], requiringURL: Bool, targetGuard: TargetGuard
    ) async throws(ProblemDetails) -> WebhookEndpointInput {
        guard case .object(let members) = body else {
            throw BodyFields.failure([.init(name: "body", reason: "must be a JSON object")])
        }
        var problems: [ProblemDetails.InvalidParameter] = []
        func report(_ name: String, _ reason: String) { problems.append(.init(name: name, reason: reason)) }
        var seen: Set<String> = []
        for key in members.map(\.key) where !fields.contains(key) && seen.insert(key).inserted {
            if key == "secret" {
                report(key, "cannot be changed here; use POST /api/v1/webhooks/{id}/rotate-secret")
            } else {
                report(String(key.prefix(64)), "is not a field of a webhook; expected \(fields.joined(separator: ", "))")
            }
        }
        var input = WebhookEndpointInput()
        switch body["url"] {
        case nil where requiringURL: report("url", "is required")
        case nil: break
        case .string(let text)?:
            do {
                input.url = try await checkedURL(text, targetGuard: targetGuard)
            } catch {
                report("url", error.description)
            }
        default: report("url", "must be a string")
        }
        if let value = body["events"] { input.events = events(value, report: report) }
        switch body["description"] {
        case nil: break
        case .string(let text)?:
            if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }) {
                report("description", "must not contain control characters")
            } else if text.unicodeScalars.count > maxDescriptionLength {
                report("description", "must be at most \(maxDescriptionLength) characters")
            } else {
                input.description = text
            }
        default: report("description", "must be a string")
        }
        switch body["enabled"] {
        case nil: break
        case .bool(let enabled)?: input.enabled = enabled
        default: report("enabled", "must be true or false")
        }
        if fields.contains("secret") {
            switch body["secret"] {
            case nil: break
            case .string(let text)?:
                do {
                    input.secret = try WebhookSecret(parsing: text)
                } catch {
                    report("secret", error.description)
                }
            default: report("secret", "must be a string")
            }
        }
        guard problems.isEmpty else { throw BodyFields.failure(problems) }
        return input
    }

    /// `text` as a target URL whose host, when it resolves, resolves to addresses deliveries may reach.
    static func checkedURL(_ text: String, targetGuard: TargetGuard) async throws(WebhookTargetError) -> WebhookTargetURL {
        let url = try WebhookTargetURL(parsing: text)
        do {
            try await targetGuard.check(url)
        } catch .unresolvable {
            return url
        }
        return url
    }

    /// `events`: event type names from the catalogue (or `*`), at least one, each once in the order given.
    private static func events(_ value: JSONValue, report: (String, String) -> Void) -> [String]? {
        guard case .array(let items) = value else {
            report("events", "must be an array of event type names")
            return nil
        }
        var names: [String] = []
        for item in items {
            guard case .string(let name) = item else {
                report("events", "must be an array of event type names (strings)")
                return nil
            }
            names.append(name)
        }
        guard !names.isEmpty else {
            report("events", "must list at least one event type, or \"*\" for every type")
            return nil
        }
        guard names.count <= maxEvents else {
            report("events", "must list at most \(maxEvents) event types")
            return nil
        }
        var unknown: [String] = []
        var unique: [String] = []
        for name in names where !unique.contains(name) {
            if WebhookEventType.isKnown(name) { unique.append(name) } else if !unknown.contains(name) { unknown.append(name) }
        }
        guard unknown.isEmpty else {
            let listed = unknown.prefix(10).map { JSONValue.quoted(String($0.prefix(64))) }.joined(separator: ", ")
            report("events", "unknown event types \(listed); see GET /api/v1/webhooks/event-types")
            return nil
        }
        return unique
    }
}
