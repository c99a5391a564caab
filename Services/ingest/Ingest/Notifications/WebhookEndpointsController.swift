import BallastCore
import BallastService
import BallastWebhooks
import Foundation
import Hummingbird

/// `/api/v1/webhooks` (also at `/api/webhooks`, the seed system's path): the caller's outgoing webhook endpoints, the
/// event catalogue, test sends, secret rotation, and each endpoint's delivery log, recovery and re-enabling. Another
/// user's endpoint is a 404, like an unknown one.
struct WebhookEndpointsController {
    static let maxBodyBytes = 64 * 1024
    /// How far back `recover` reaches: beyond it, receivers are unlikely to want what they missed.
    static let maxRecoveryAge: TimeInterval = 30 * 24 * 3_600

    let endpoints: WebhookEndpointStore
    let deliveries: WebhookDeliveryStore
    let settings: WebhookSettings
    let sender: WebhookSender

    struct Scheduled: ResponseEncodable, Sendable {
        var scheduled: Int
    }

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get { _, context in
            ListResponse(data: try await endpoints.list(user: try context.requireUser()), nextCursor: nil)
        }
        group.post { request, context in
            let user = try context.requireUser()
            let input = try await read(request, fields: WebhookEndpointInput.createFields, requiringURL: true)
            guard let url = input.url else { throw BodyFields.failure([.init(name: "url", reason: "is required")]) }
            do {
                let endpoint = try await endpoints.create(
                    user: user, url: url, events: input.events ?? [WebhookEventType.wildcard], description: input.description ?? "",
                    secret: input.secret ?? WebhookSecret.generate(), enabled: input.enabled ?? true)
                return EditedResponse(status: .created, response: endpoint)
            } catch let failure as WebhookEndpointStore.Failure {
                throw ProblemDetails(status: .conflict, detail: failure.description)
            }
        }
        group.get("event-types") { _, _ in EventTypeCatalogue.response }
        group.get("{id}") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "webhook")
            return try Self.found(try await endpoints.get(id, user: user), id)
        }
        // Both are partial: the seed's clients send PUT with the fields they change.
        group.patch("{id}") { request, context in try await update(request, context) }
        group.put("{id}") { request, context in try await update(request, context) }
        group.delete("{id}") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "webhook")
            guard try await endpoints.delete(id, user: user) else { throw ProblemDetails.notFound("webhook", "\(id)") }
            return Response(status: .noContent)
        }
        group.post("{id}/test") { _, context in
            try await sendTest(to: try context.pathID(of: "webhook"), user: try context.requireUser())
        }
        group.post("{id}/rotate-secret") { request, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "webhook")
            let secret = try await Self.givenSecret(request) ?? WebhookSecret.generate()
            return try Self.found(try await endpoints.rotateSecret(id, user: user, to: secret, overlap: settings.rotationOverlap), id)
        }
        group.get("{id}/deliveries") { request, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "webhook")
            var reader = QueryParameters(request.queryValues)
            let filter = DeliveryFilter(
                status: reader.choice("status", DeliveryFilter.statuses.sorted()), after: reader.cursor(),
                limit: reader.limit(1...100, default: 50))
            try reader.check()
            guard let page = try await deliveries.deliveries(of: id, user: user, matching: filter) else {
                throw ProblemDetails.notFound("webhook", "\(id)")
            }
            return ListResponse(data: page.items, nextCursor: page.next?.text)
        }
        group.post("{id}/recover") { request, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "webhook")
            let since = try Self.recoverySince(request.queryValues)
            guard let scheduled = try await deliveries.recover(endpoint: id, user: user, since: since) else {
                throw ProblemDetails.notFound("webhook", "\(id)")
            }
            return EditedResponse(status: .accepted, response: Scheduled(scheduled: scheduled))
        }
        group.post("{id}/enable") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "webhook")
            return try Self.found(try await endpoints.enable(id, user: user), id)
        }
    }

    private func update(_ request: Request, _ context: IngestRequestContext) async throws -> WebhookEndpoint {
        let user = try context.requireUser()
        let id = try context.pathID(of: "webhook")
        let input = try await read(request, fields: WebhookEndpointInput.updateFields, requiringURL: false)
        let changes = WebhookEndpointChanges(url: input.url, events: input.events, description: input.description, enabled: input.enabled)
        return try Self.found(try await endpoints.update(id, user: user, changes: changes), id)
    }

    private func read(_ request: Request, fields: [String], requiringURL: Bool) async throws -> WebhookEndpointInput {
        let body = try await JSONRequestBody.read(request, maxBytes: Self.maxBodyBytes).value
        return try await WebhookEndpointInput.read(
            body, fields: fields, requiringURL: requiringURL, targetGuard: TargetGuard(allowPrivateTargets: settings.allowPrivateTargets))
    }

    /// Sends a `webhook.test` event now, once (tests are never retried), and logs the attempt like any other.
    private func sendTest(to id: UUID, user: UUID) async throws -> TestDeliveryOutcome {
        guard let claimed = try await deliveries.createTest(endpoint: id, user: user, lease: settings.lease) else {
            throw ProblemDetails.notFound("webhook", "\(id)")
        }
        let result = await sender.attempt(claimed)
        var random = SystemRandomNumberGenerator()
        let record = AttemptRecord.of(
            result, for: claimed, schedule: settings.retrySchedule, maxRetryAfter: settings.maxRetryAfter, using: &random)
        // A test counts toward no failure streak, so it disables nothing.
        _ = try await deliveries.record(
            [record], disableAfterFailures: settings.disableAfterFailures, disableAfter: settings.disableAfter)
        // Deleted between the send and now: the attempt's answer is still what the caller asked for.
        guard let delivery = try await deliveries.delivery(claimed.id, user: user) else {
            throw ProblemDetails.notFound("webhook", "\(id)")
        }
        return TestDeliveryOutcome(
            delivered: result.succeeded, statusCode: result.statusCode, error: result.error,
            durationMs: Int(clamping: result.duration.wholeMilliseconds), delivery: delivery)
    }

    /// The optional `{"secret": "whsec_..."}` of a rotation; nil when no body (or no secret) is sent.
    private static func givenSecret(_ request: Request) async throws -> WebhookSecret? {
        var request = request
        let bytes = Array(buffer: try await request.collectBody(upTo: maxBodyBytes))
        guard bytes.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return nil }
        let body: JSONValue
        do {
            body = try JSONValue(parsing: bytes)
        } catch {
            throw ProblemDetails(status: .badRequest, detail: "the body is not valid JSON: \(error)")
        }
        guard case .object(let members) = body else {
            throw BodyFields.failure([.init(name: "body", reason: "must be a JSON object")])
        }
        if let other = members.first(where: { $0.key != "secret" }) {
            throw BodyFields.failure([.init(name: String(other.key.prefix(64)), reason: "is not a field of a rotation; expected secret")])
        }
        switch body["secret"] {
        case nil: return nil
        case .string(let text)?:
            do {
                return try WebhookSecret(parsing: text)
            } catch {
                throw BodyFields.failure([.init(name: "secret", reason: error.description)])
            }
        default: throw BodyFields.failure([.init(name: "secret", reason: "must be a string")])
        }
    }

    /// `since` of a recovery: required, RFC 3339, not in the future, at most `maxRecoveryAge` ago.
    static func recoverySince(_ parameters: [String: String], now: Date = Date()) throws(ProblemDetails) -> Date {
        var reader = QueryParameters(parameters)
        let since = reader.date("since")
        if let since, since > now {
            reader.report("since", "must not be in the future")
        } else if let since, since < now.addingTimeInterval(-maxRecoveryAge) {
            reader.report("since", "must be at most 30 days ago")
        } else if since == nil, parameters["since"] == nil {
            reader.report("since", "is required: an RFC 3339 time, e.g. \(RFC3339.string(from: now.addingTimeInterval(-3_600)))")
        }
        try reader.check()
        guard let since else { throw ProblemDetails(status: .badRequest, detail: "since is required") }
        return since
    }

    static func found(_ endpoint: WebhookEndpoint?, _ id: UUID) throws -> WebhookEndpoint {
        guard let endpoint else { throw ProblemDetails.notFound("webhook", "\(id)") }
        return endpoint
    }
}

extension WebhookEndpoint: ResponseEncodable {}
