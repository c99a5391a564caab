import BallastCore
import BallastService
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// `POST /webhook/{sourceId}`, `POST /webhook` (the default source) and `GET /webhook/test`.
public struct WebhookController: Sendable {
    public let repository: SignalStore
    public let configuration: IngestConfiguration
    public let rateLimiter: WebhookRateLimiter?
    let sources: SourceCache

    init(repository: SignalStore, configuration: IngestConfiguration, rateLimiter: WebhookRateLimiter?, sources: SourceCache) {
        self.repository = repository
        self.configuration = configuration
        self.rateLimiter = rateLimiter
        self.sources = sources
    }

    public func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get("test") { _, _ in
            WebhookResponse(code: .ok, status: "ok", message: "webhook endpoint is reachable", timestamp: Date())
        }
        group.post { request, context in
            try await receive(request, context: context, source: try await defaultSource())
        }
        group.post("{sourceId}") { request, context in
            let id = try context.parameters.require("sourceId")
            guard let uuid = UUID(uuidString: id),
                let source = try await sources.source(id: uuid)
            else {
                throw ProblemDetails(status: .notFound, detail: "no signal source with id '\(id.prefix(64))'")
            }
            return try await receive(request, context: context, source: source)
        }
    }

    private func defaultSource() async throws -> SignalSource {
        guard configuration.webhookSecret != nil,
            let source = try await sources.defaultSource()
        else {
            // No secret configured means no way to authenticate: refuse, never accept unauthenticated.
            throw ProblemDetails(status: .unauthorized, detail: "no webhook secret is configured on this server")
        }
        return source
    }

    private func receive(
        _ request: Request, context: IngestRequestContext, source: SignalSource
    ) async throws
        -> WebhookResponse
    {
        let body = try await JSONRequestBody.read(request, maxBytes: configuration.maxBodyBytes) {
            try Self.checkMediaType(request.headers[.contentType])
        }
        let json = body.value
        try authenticate(request, body: body.bytes, json: json, source: source)
        if let rateLimiter, let seconds = await rateLimiter.retryAfter(source: source.id) {
            throw ProblemDetails(
                status: .tooManyRequests,
                detail: "this source is limited to \(rateLimiter.requestsPerMinute) requests a minute; retry in \(seconds) s",
                headers: [.retryAfter: String(seconds)]
            )
        }
        let signal = try SignalParser.parse(json, optionChain: configuration.optionChain)
        let raw = Self.withoutSecret(json)
        let (outcome, routing) = try await repository.accept(signal, raw: raw, from: source, window: configuration.duplicateWindow)
        var logger = context.logger
        logger[metadataKey: "source_id"] = .string(source.id.uuidString)
        let requestID = ProblemMiddleware<IngestRequestContext>.requestID(of: request, context: context)
        switch outcome {
        case .accepted(let id):
            logger.info("signal accepted", metadata: ["signal_id": .string(id.uuidString), "symbol": .string(signal.symbol)])
            return WebhookResponse(code: .created, id: id, status: "accepted", requestID: requestID, routing: routing)
        case .duplicate(let id):
            logger.info("duplicate signal", metadata: ["signal_id": .string(id.uuidString)])
            return WebhookResponse(code: .ok, id: id, status: "duplicate", requestID: requestID, routing: routing)
        }
    }

    /// TradingView sends `text/plain` when the alert text is JSON it did not recognise; both carry JSON.
    static func checkMediaType(_ contentType: String?) throws {
        if contentType == "application/json" || contentType == "text/plain" { return }
        let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" || mediaType == "text/plain" else {
            throw ProblemDetails(
                status: .unsupportedMediaType,
                detail: "send the signal as application/json or text/plain (got \(contentType.map { "'\($0.prefix(64))'" } ?? "none"))"
            )
        }
    }

    private func authenticate(_ request: Request, body: [UInt8], json: JSONValue, source: SignalSource) throws {
        if let signature = request.headers[HTTPField.Name(WebhookSignature.header)!] {
            guard WebhookSignature.isValid(header: signature, body: body, secret: source.secret.value) else {
                throw ProblemDetails(
                    status: .unauthorized,
                    detail: "the \(WebhookSignature.header) header does not match the body (send \(WebhookSignature.forms))"
                )
            }
            return
        }
        guard case .string(let secret)? = json["secret"] else {
            throw ProblemDetails(
                status: .unauthorized,
                detail: "sign the body (\(WebhookSignature.header): \(WebhookSignature.forms)) or include the source's secret"
            )
        }
        guard WebhookSignature.isValid(bodySecret: secret, secret: source.secret.value) else {
            throw ProblemDetails(status: .unauthorized, detail: "the secret does not match this source")
        }
    }

    static func withoutSecret(_ json: JSONValue) -> JSONValue {
        guard case .object(let members) = json else { return json }
        return .object(members.filter { $0.key != "secret" })
    }
}

/// `{"engine", "experiment_id", "id", "message", "request_id", "signal_id", "status", "timestamp", "variant",
/// "variants"}`, each only when set, written by hand: it answers every webhook, and `JSONEncoder` was a visible part of
/// the request's cost. `signal_id` repeats `id` and `request_id` is the `X-Request-Id` header, for the seed systems'
/// clients, which read those names. A routed signal's answer says where it goes: `experiment_id` and `variant` (in a
/// shadow experiment `shadow`, with every variant in `variants`), or the `engine` its source names.
struct WebhookResponse: ResponseGenerator {
    var code: HTTPResponse.Status
    var id: UUID?
    var status: String
    var message: String?
    var requestID: String?
    var timestamp: Date?
    var routing: SignalRouting?

    init(
        code: HTTPResponse.Status, id: UUID? = nil, status: String, message: String? = nil, requestID: String? = nil,
        timestamp: Date? = nil, routing: SignalRouting? = nil
    ) {
        self.code = code
        self.id = id
        self.status = status
        self.message = message
        self.requestID = requestID
        self.timestamp = timestamp
        self.routing = routing
    }

    var json: String {
        var text = "{"
        func member(_ key: String, _ value: String) {
            text += "\"" + key + "\":"
            JSONValue.writeQuoted(value, to: &text)
            text += ","
        }
        let experimentID = routing?.experimentID
        if let routing, experimentID == nil, let engine = routing.targets.first?.engine { member("engine", engine) }
        if let experimentID { member("experiment_id", experimentID.uuidString) }
        if let id { member("id", id.uuidString) }
        if let message { member("message", message) }
        if let requestID { member("request_id", requestID) }
        if let id { member("signal_id", id.uuidString) }
        text += #""status":"#
        JSONValue.writeQuoted(status, to: &text)
        if let timestamp {
            text += #","timestamp":"#
            JSONValue.writeQuoted(RFC3339.string(from: timestamp), to: &text)
        }
        if let routing, experimentID != nil {
            let variants = routing.targets.compactMap(\.variant)
            text += #","variant":"#
            JSONValue.writeQuoted(routing.mode == "shadow" ? "shadow" : variants.first ?? "", to: &text)
            text += #","variants":["#
            for (index, variant) in variants.enumerated() {
                if index > 0 { text += "," }
                JSONValue.writeQuoted(variant, to: &text)
            }
            text += "]"
        }
        return text + "}"
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: code,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: json))
        )
    }
}
