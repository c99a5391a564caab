import BallastCore
import BallastPostgres
import BallastUsers
import BallastWebhooks
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import PostgresNIO
import Testing

@Suite("Outgoing webhooks management API over real HTTP, with real Postgres and Redis and local receivers")
struct WebhookEndpointsAPITests {
    struct Page<Item: Decodable>: Decodable {
        var data: [Item]
        var nextCursor: String?
    }

    struct Endpoint: Decodable {
        var id: UUID
        var url: String
        var description: String
        var events: [String]
        var enabled: Bool
        var failureCount: Int
        var disabledReason: String?
        var secret: String?
        var previousSecretExpiresAt: Date?
    }

    struct Attempt: Decodable {
        var number: Int
        var durationMs: Int
        var statusCode: Int?
        var responseExcerpt: String?
        var error: String?
    }

    struct Delivery: Decodable {
        var id: UUID
        var webhookId: UUID
        var eventType: String
        var status: String
        var isTest: Bool
        var attemptCount: Int
        var payload: String?
        var attempts: [Attempt]?
    }

    struct TestOutcome: Decodable {
        var delivered: Bool
        var statusCode: Int?
        var error: String?
        var durationMs: Int
        var delivery: Delivery
    }

    struct EventType: Decodable {
        struct Example: Decodable {
            var event: String
            var timestamp: Date
            var userId: UUID
        }

        var name: String
        var description: String
        var example: Example
    }

    /// A user with an API key, another user with theirs, and ingest on a real socket.
    struct API {
        let database: PostgresClient
        let client: TestClientProtocol
        let user: UUID
        let key: String
        let otherKey: String

        func call(_ method: HTTPRequest.Method, _ uri: String, key: String? = nil, json: String? = nil) async throws -> APIReply {
            try await client.call(method, uri, key: key ?? self.key, json: json)
        }

        func create(_ url: String, _ extra: String = "") async throws -> Endpoint {
            let reply = try await call(.post, "/api/v1/webhooks", json: #"{"url":"\#(url)"\#(extra)}"#)
            #expect(reply.status == .created, "\(reply.text)")
            return try reply.decode(Endpoint.self)
        }

        /// Stores `type` for the user as the notifier would on consuming it: a delivery per matching endpoint.
        func storeEvent(_ type: String = "order.filled") async throws {
            let payload = #"{"event":"\#(type)","timestamp":"2026-12-06T12:00:00.000Z","userId":"\#(user)","data":{}}"#
            let event = WebhookEvent(id: UUID().uuidString.lowercased(), type: type, userID: user, payload: payload, occurredAt: Date())
            try await database.transaction(logger: TestServers.logger) { connection in
                try await WebhookDeliveryStore.store([event], on: connection, logger: TestServers.logger)
            }
        }
    }

    static func withAPI(allowPrivateTargets: Bool = true, _ body: @Sendable (API) async throws -> Void) async throws {
        try await TestDatabase.with { database, _ in
            let users = UserStore(database: database, logger: TestServers.logger)
            let name = TestServers.unique("alice")
            let user = try await users.createUser(named: name)
            let key = try await users.createAPIKey(forUser: name).key
            let other = TestServers.unique("bob")
            try await users.createUser(named: other)
            let otherKey = try await users.createAPIKey(forUser: other).key
            let configuration = try IngestConfiguration(environment: EnvironmentReader([:]))
            let settings = try WebhookSettings(
                environment: EnvironmentReader(["BALLAST_ALLOW_PRIVATE_TARGETS": allowPrivateTargets ? "1" : "0"]))
            let app = Application(router: try ingestRouter(database, configuration, webhookSettings: settings))
            try await app.test(.live) { client in
                try await body(API(database: database, client: client, user: user, key: key, otherKey: otherKey))
            }
        }
    }

    /// What a local receiver was sent.
    actor Inbox {
        struct Received: Sendable {
            var headers: HTTPFields
            var body: String
        }

        private(set) var received: [Received] = []

        func add(_ request: Received) { received.append(request) }
    }

    /// A receiver on a real socket answering every POST with `status`; `body` gets its URL and what it was sent.
    static func withReceiver(status: HTTPResponse.Status = .ok, _ body: @Sendable (String, Inbox) async throws -> Void) async throws {
        let inbox = Inbox()
        let router = Router()
        router.post("hook") { request, _ -> Response in
            var request = request
            let bytes = try await request.collectBody(upTo: 1 << 20)
            await inbox.add(.init(headers: request.headers, body: String(buffer: bytes)))
            return Response(status: status, body: ResponseBody(byteBuffer: ByteBuffer(string: "answer \(status.code)")))
        }
        try await Application(router: router).test(.live) { client in
            let port = try #require(client.port)
            try await body("http://127.0.0.1:\(port)/hook", inbox)
        }
    }

    static func header(_ headers: HTTPFields, _ name: String) -> String? {
        HTTPField.Name(name).flatMap { headers[$0] }
    }

    @Test("create, list, get, change (PATCH and PUT), delete; the seed's path serves the same; another user's endpoint is a 404")
    func crudAndOwnership() async throws {
        try await Self.withAPI { api in
            let created = try await api.create(
                "https://hooks.example.com/ballast", #","description":"ops","events":["order.filled","order.filled","*"]"#)
            #expect(created.secret?.hasPrefix("whsec_") == true)
            #expect(try created.secret.map(WebhookSecret.init(parsing:))?.key.count == 24)
            #expect(created.events == ["order.filled", "*"])
            #expect([created.description, created.url] == ["ops", "https://hooks.example.com/ballast"])
            #expect(created.enabled && created.failureCount == 0)

            let defaults = try await api.create("https://hooks.example.com/other")
            #expect(defaults.events == ["*"] && defaults.description == "" && defaults.enabled)

            let listed = try await api.call(.get, "/api/v1/webhooks")
            #expect(listed.status == .ok)
            let page = try listed.decode(Page<Endpoint>.self)
            #expect(page.data.map(\.id) == [created.id, defaults.id])
            #expect(page.data.allSatisfy { $0.secret == nil })
            #expect(!listed.text.contains("whsec_"))
            #expect(try await api.call(.get, "/api/webhooks").decode(Page<Endpoint>.self).data.count == 2)

            let fetched = try await api.call(.get, "/api/v1/webhooks/\(created.id)")
            #expect(fetched.status == .ok && !fetched.text.contains("whsec_"))

            let patched = try await api.call(
                .patch, "/api/v1/webhooks/\(created.id)", json: #"{"description":"renamed","events":["trade.executed"]}"#)
            #expect(patched.status == .ok, "\(patched.text)")
            let changed = try patched.decode(Endpoint.self)
            #expect([changed.description, changed.url] == ["renamed", created.url])
            #expect(changed.events == ["trade.executed"] && changed.secret == nil)
            let put = try await api.call(.put, "/api/webhooks/\(created.id)", json: #"{"enabled":false}"#)
            #expect(put.status == .ok)
            #expect(try put.decode(Endpoint.self).enabled == false)
            #expect(try put.decode(Endpoint.self).description == "renamed")

            // Another user: every route on this endpoint is a 404, and their list is empty.
            let other = api.otherKey
            let routes: [(HTTPRequest.Method, String, String?)] = [
                (.get, "", nil), (.patch, "", #"{"enabled":true}"#), (.put, "", #"{"enabled":true}"#), (.delete, "", nil),
                (.post, "/test", nil), (.post, "/rotate-secret", nil), (.get, "/deliveries", nil),
                (.post, "/recover?since=\(RFC3339.string(from: Date().addingTimeInterval(-60)))", nil), (.post, "/enable", nil),
            ]
            for (method, suffix, json) in routes {
                let reply = try await api.call(method, "/api/v1/webhooks/\(created.id)\(suffix)", key: other, json: json)
                #expect(reply.status == .notFound, "\(method) \(suffix): \(reply.text)")
                #expect(try reply.problem.status == 404)
            }
            #expect(try await api.call(.get, "/api/v1/webhooks", key: other).decode(Page<Endpoint>.self).data.isEmpty)
            #expect(try await api.call(.get, "/api/v1/webhooks/\(UUID())").status == .notFound)
            #expect(try await api.call(.get, "/api/v1/webhooks/not-a-uuid").status == .notFound)
            #expect(try await api.call(.get, "/api/v1/webhooks", key: "bal_nope").status == .unauthorized)
            #expect(try await api.call(.get, "/api/webhooks", key: "bal_nope").status == .unauthorized)

            #expect(try await api.call(.delete, "/api/v1/webhooks/\(created.id)").status == .noContent)
            #expect(try await api.call(.get, "/api/v1/webhooks/\(created.id)").status == .notFound)
            #expect(try await api.call(.delete, "/api/v1/webhooks/\(created.id)").status == .notFound)
            #expect(try await api.call(.get, "/api/v1/webhooks").decode(Page<Endpoint>.self).data.map(\.id) == [defaults.id])
        }
    }

    /// Bad bodies and queries, each a 400 whose problem names the field.
    static let badInputs: [(method: HTTPRequest.Method, path: String, json: String?, field: String)] = [
        (.post, "", #"{}"#, "url"),
        (.post, "", #"{"url":42}"#, "url"),
        (.post, "", #"{"url":"not a url"}"#, "url"),
        (.post, "", #"{"url":"ftp://example.com/"}"#, "url"),
        (.post, "", #"{"url":"https://example.com/","events":[]}"#, "events"),
        (.post, "", #"{"url":"https://example.com/","events":"*"}"#, "events"),
        (.post, "", #"{"url":"https://example.com/","events":[1]}"#, "events"),
        (.post, "", #"{"url":"https://example.com/","events":["order.filed"]}"#, "events"),
        (
            .post, "", #"{"url":"https://example.com/","events":[\#(Array(repeating: #""*""#, count: 51).joined(separator: ","))]}"#,
            "events"
        ),
        (.post, "", #"{"url":"https://example.com/","description":"\#(String(repeating: "d", count: 501))"}"#, "description"),
        (.post, "", #"{"url":"https://example.com/","description":7}"#, "description"),
        (.post, "", #"{"url":"https://example.com/","enabled":"yes"}"#, "enabled"),
        (.post, "", #"{"url":"https://example.com/","secret":"sekrit"}"#, "secret"),
        (.post, "", #"{"url":"https://example.com/","secret":"whsec_c2hvcnQ="}"#, "secret"),
        (.post, "", #"{"url":"https://example.com/","colour":"red"}"#, "colour"),
        (.post, "", #"[]"#, "body"),
        (.patch, "/{id}", #"{"url":""}"#, "url"),
        (.patch, "/{id}", #"{"secret":"whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3"}"#, "secret"),
        (.put, "/{id}", #"{"events":["nope"]}"#, "events"),
        (.post, "/{id}/rotate-secret", #"{"secret":"whsec_!!"}"#, "secret"),
        (.get, "/{id}/deliveries?status=lost", nil, "status"),
        (.get, "/{id}/deliveries?limit=0", nil, "limit"),
        (.get, "/{id}/deliveries?limit=101", nil, "limit"),
        (.get, "/{id}/deliveries?cursor=nope", nil, "cursor"),
        (.post, "/{id}/recover", nil, "since"),
        (.post, "/{id}/recover?since=yesterday", nil, "since"),
        (.post, "/{id}/recover?since=\(RFC3339.string(from: Date().addingTimeInterval(3_600)))", nil, "since"),
        (.post, "/{id}/recover?since=\(RFC3339.string(from: Date().addingTimeInterval(-31 * 86_400)))", nil, "since"),
    ]

    @Test("every bad field or parameter is a 400 problem naming it, and changes nothing")
    func badInput() async throws {
        try await Self.withAPI { api in
            let endpoint = try await api.create("https://hooks.example.com/x")
            for input in Self.badInputs {
                let path = "/api/v1/webhooks" + input.path.replacingOccurrences(of: "{id}", with: endpoint.id.uuidString)
                let reply = try await api.call(input.method, path, json: input.json)
                #expect(reply.status == .badRequest, "\(input.method) \(input.path) \(input.json ?? ""): \(reply.text)")
                if reply.status == .badRequest {
                    #expect(try reply.problem.names == [input.field], "\(input.method) \(input.path) \(input.json ?? ""): \(reply.text)")
                }
            }
            let unknown = try await api.call(.post, "/api/v1/webhooks", json: #"{"url":"https://example.com/","events":["a.b","*","c"]}"#)
            #expect(try unknown.problem.invalidParams?.first?.reason.contains(#""a.b", "c""#) == true)
            let invalidJSON = try await api.call(.post, "/api/v1/webhooks", json: "{")
            #expect(invalidJSON.status == .badRequest)
            let after = try await api.call(.get, "/api/v1/webhooks").decode(Page<Endpoint>.self).data
            #expect(after.map(\.id) == [endpoint.id] && after.first?.events == ["*"])
        }
    }

    @Test("event-types lists the catalogue, each with a full example body; the literal path wins over {id}")
    func eventTypes() async throws {
        try await Self.withAPI { api in
            for path in ["/api/v1/webhooks/event-types", "/api/webhooks/event-types"] {
                let reply = try await api.call(.get, path)
                #expect(reply.status == .ok, "\(reply.text)")
                let types = try reply.decode(Page<EventType>.self).data
                #expect(types.map(\.name) == WebhookEventType.catalogue.map(\.name))
                #expect(types.allSatisfy { $0.example.event == $0.name && !$0.description.isEmpty })
                let body = try JSONValue(parsing: Array(reply.text.utf8))
                guard case .array(let items)? = body["data"] else { throw TestSetupError("no data in \(reply.text)") }
                for item in items {
                    guard case .object = item["example"]?["data"] else { throw TestSetupError("example data is not an object: \(item)") }
                }
            }
        }
    }

    @Test("test send to a local receiver: signed (Standard Webhooks and the seed's headers), delivered, logged with its attempt")
    func testDelivery() async throws {
        try await Self.withReceiver { url, inbox in
            try await Self.withAPI { api in
                let endpoint = try await api.create(url)
                let secret = try WebhookSecret(parsing: try #require(endpoint.secret))
                let reply = try await api.call(.post, "/api/v1/webhooks/\(endpoint.id)/test")
                #expect(reply.status == .ok, "\(reply.text)")
                let outcome = try reply.decode(TestOutcome.self)
                #expect(outcome.delivered && outcome.statusCode == 200 && outcome.error == nil)
                #expect(outcome.delivery.status == "succeeded" && outcome.delivery.isTest && outcome.delivery.eventType == "webhook.test")
                #expect(outcome.delivery.attempts?.count == 1)

                let received = try #require(await inbox.received.first)
                #expect(await inbox.received.count == 1)
                let id = try #require(Self.header(received.headers, "webhook-id"))
                let timestamp = try #require(Self.header(received.headers, "webhook-timestamp").flatMap { Int64($0) })
                let signature = try #require(Self.header(received.headers, "webhook-signature"))
                #expect(
                    WebhookSignature.verify(
                        id: id, timestamp: timestamp, body: received.body, header: signature, secret: secret,
                        now: Int64(Date().timeIntervalSince1970)))
                #expect(Self.header(received.headers, "X-Webhook-Event") == "webhook.test")
                #expect(Self.header(received.headers, "X-Webhook-Timestamp").flatMap(RFC3339.date(from:)) != nil)
                #expect(
                    Self.header(received.headers, "X-Webhook-Signature")
                        == WebhookSignature.seedSignature(body: received.body, secret: secret))
                #expect(Self.header(received.headers, "User-Agent")?.hasPrefix("Ballast-Webhooks/") == true)
                #expect(Self.header(received.headers, "Content-Type") == "application/json")
                let body = try JSONValue(parsing: Array(received.body.utf8))
                #expect(body["event"] == .string("webhook.test"))
                #expect(body["userId"] == .string(api.user.uuidString.lowercased()) || body["userId"] == .string(api.user.uuidString))
                #expect(body["data"]?["webhookId"] != nil)

                let logged = try await api.call(.get, "/api/v1/deliveries/\(outcome.delivery.id)")
                #expect(logged.status == .ok)
                let delivery = try logged.decode(Delivery.self)
                #expect(delivery.payload == received.body)
                #expect(delivery.attempts?.map(\.statusCode) == [200])
                #expect(delivery.attempts?.first?.responseExcerpt == "answer 200")
                let listed = try await api.call(.get, "/api/v1/webhooks/\(endpoint.id)/deliveries?status=succeeded")
                #expect(try listed.decode(Page<Delivery>.self).data.map(\.id) == [delivery.id])
                #expect(try listed.decode(Page<Delivery>.self).data.first?.attempts == nil)
                #expect(try await api.call(.get, "/api/v1/deliveries/\(delivery.id)", key: api.otherKey).status == .notFound)
            }
        }
    }

    @Test("test send to a receiver answering 500: not delivered, status code 500, one failed attempt logged, not retried")
    func testDeliveryFailing() async throws {
        try await Self.withReceiver(status: .internalServerError) { url, inbox in
            try await Self.withAPI { api in
                let endpoint = try await api.create(url)
                let reply = try await api.call(.post, "/api/v1/webhooks/\(endpoint.id)/test")
                #expect(reply.status == .ok, "\(reply.text)")
                let outcome = try reply.decode(TestOutcome.self)
                #expect(!outcome.delivered && outcome.statusCode == 500)
                let delivery = try await api.call(.get, "/api/v1/deliveries/\(outcome.delivery.id)").decode(Delivery.self)
                #expect(delivery.status == "failed" && delivery.attemptCount == 1)
                #expect(delivery.attempts?.map(\.statusCode) == [500])
                #expect(await inbox.received.count == 1)
                // Tests count toward no failure streak.
                #expect(try await api.call(.get, "/api/v1/webhooks/\(endpoint.id)").decode(Endpoint.self).failureCount == 0)
                let failed = try await api.call(.get, "/api/v1/webhooks/\(endpoint.id)/deliveries?status=failed&limit=1")
                #expect(try failed.decode(Page<Delivery>.self).data.map(\.id) == [delivery.id])
            }
        }
    }

    @Test("rotate-secret: the new secret is shown once; the next delivery carries both signatures, each verifying")
    func rotation() async throws {
        try await Self.withReceiver { url, inbox in
            try await Self.withAPI { api in
                let endpoint = try await api.create(url)
                let old = try WebhookSecret(parsing: try #require(endpoint.secret))
                let reply = try await api.call(.post, "/api/v1/webhooks/\(endpoint.id)/rotate-secret")
                #expect(reply.status == .ok, "\(reply.text)")
                let rotated = try reply.decode(Endpoint.self)
                let new = try WebhookSecret(parsing: try #require(rotated.secret))
                #expect(new != old)
                let expiry = try #require(rotated.previousSecretExpiresAt)
                #expect(abs(expiry.timeIntervalSinceNow - 24 * 3_600) < 600)
                let fetched = try await api.call(.get, "/api/v1/webhooks/\(endpoint.id)")
                #expect(!fetched.text.contains("whsec_"))
                #expect(try fetched.decode(Endpoint.self).previousSecretExpiresAt != nil)

                #expect(try await api.call(.post, "/api/v1/webhooks/\(endpoint.id)/test").decode(TestOutcome.self).delivered)
                let received = try #require(await inbox.received.last)
                let id = try #require(Self.header(received.headers, "webhook-id"))
                let timestamp = try #require(Self.header(received.headers, "webhook-timestamp").flatMap { Int64($0) })
                let signature = try #require(Self.header(received.headers, "webhook-signature"))
                #expect(signature.split(separator: " ").count == 2 && signature.split(separator: " ").allSatisfy { $0.hasPrefix("v1,") })
                let now = Int64(Date().timeIntervalSince1970)
                for secret in [new, old] {
                    #expect(
                        WebhookSignature.verify(
                            id: id, timestamp: timestamp, body: received.body, header: signature, secret: secret, now: now))
                }

                let given = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3"
                let chosen = try await api.call(.post, "/api/v1/webhooks/\(endpoint.id)/rotate-secret", json: #"{"secret":"\#(given)"}"#)
                #expect(chosen.status == .ok)
                #expect(try chosen.decode(Endpoint.self).secret == given)
            }
        }
    }

    @Test(
        "SSRF: without BALLAST_ALLOW_PRIVATE_TARGETS, local, metadata and non-http targets are a 400 naming url",
        arguments: ["http://127.0.0.1/", "http://169.254.169.254/", "http://[::1]/", "http://localhost/", "ftp://example.com/"]
    )
    func privateTargetsRefused(url: String) async throws {
        try await Self.withAPI(allowPrivateTargets: false) { api in
            let reply = try await api.call(.post, "/api/v1/webhooks", json: #"{"url":"\#(url)"}"#)
            #expect(reply.status == .badRequest, "\(reply.text)")
            #expect(try reply.problem.names == ["url"])
            let endpoint = try await api.create("https://unresolvable.invalid/hook")
            let changed = try await api.call(.patch, "/api/v1/webhooks/\(endpoint.id)", json: #"{"url":"\#(url)"}"#)
            #expect(changed.status == .badRequest)
            #expect(try changed.problem.names == ["url"])
            #expect(
                try await api.call(.get, "/api/v1/webhooks").decode(Page<Endpoint>.self).data.map(\.url) == [
                    "https://unresolvable.invalid/hook"
                ])
        }
    }

    @Test("recover re-sends missed deliveries (202 with the count), enable clears failures, retry is 202 then 409, 404 when unknown")
    func recoverEnableRetry() async throws {
        try await Self.withAPI { api in
            let settings = try WebhookSettings(environment: EnvironmentReader([:]))
            let store = WebhookDeliveryStore(database: api.database, logger: TestServers.logger)

            // A disabled endpoint misses an event; retrying is refused until it is enabled, recover schedules it.
            let paused = try await api.create("https://hooks.example.com/paused", #","events":["order.filled"],"enabled":false"#)
            try await api.storeEvent()
            let missed = try await api.call(.get, "/api/v1/webhooks/\(paused.id)/deliveries?status=missed").decode(Page<Delivery>.self).data
            let missedID = try #require(missed.first?.id)
            #expect(missed.count == 1)
            let refused = try await api.call(.post, "/api/v1/deliveries/\(missedID)/retry")
            #expect(refused.status == .conflict)
            #expect(try refused.problem.detail?.contains("disabled") == true)
            let since = RFC3339.string(from: Date().addingTimeInterval(-3_600))
            let recovered = try await api.call(.post, "/api/v1/webhooks/\(paused.id)/recover?since=\(since)")
            #expect(recovered.status == .accepted, "\(recovered.text)")
            #expect(recovered.text == #"{"scheduled":1}"#)
            let again = try await api.call(.post, "/api/v1/webhooks/\(paused.id)/recover?since=\(since)")
            #expect(again.text == #"{"scheduled":0}"#)
            let enabled = try await api.call(.post, "/api/v1/webhooks/\(paused.id)/enable")
            #expect(enabled.status == .ok)
            #expect(try enabled.decode(Endpoint.self).enabled && enabled.decode(Endpoint.self).failureCount == 0)

            // A failed delivery of an enabled endpoint is sent again on request; a pending one is a 409.
            let live = try await api.create("https://hooks.example.com/live", #","events":["trade.executed"]"#)
            try await api.storeEvent("trade.executed")
            let claimed = try await store.claimDue(limit: 10, inFlight: [:], endpointConcurrency: 8, lease: .seconds(60))
            let delivery = try #require(claimed.first { $0.endpointID == live.id })
            let result = AttemptResult(attemptedAt: Date(), duration: .milliseconds(3), statusCode: 500)
            try await store.record(
                [
                    AttemptRecord(
                        deliveryID: delivery.id, endpointID: delivery.endpointID, attempt: delivery.attempt, result: result, next: .failed)
                ],
                disableAfterFailures: settings.disableAfterFailures, disableAfter: settings.disableAfter)
            #expect(try await api.call(.get, "/api/v1/deliveries/\(delivery.id)").decode(Delivery.self).status == "failed")
            let retried = try await api.call(.post, "/api/v1/deliveries/\(delivery.id)/retry")
            #expect(retried.status == .accepted, "\(retried.text)")
            let view = try retried.decode(Delivery.self)
            #expect(view.status == "pending" && view.attempts?.count == 1)
            #expect(try await api.call(.post, "/api/v1/deliveries/\(delivery.id)/retry").status == .conflict)
            #expect(try await api.call(.post, "/api/v1/deliveries/\(delivery.id)/retry", key: api.otherKey).status == .notFound)
            #expect(try await api.call(.post, "/api/v1/deliveries/\(UUID())/retry").status == .notFound)
            #expect(try await api.call(.get, "/api/v1/deliveries/\(UUID())").status == .notFound)
            #expect(try await api.call(.post, "/api/v1/webhooks/\(UUID())/enable").status == .notFound)
        }
    }
}
