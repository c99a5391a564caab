import AsyncHTTPClient
import BallastCore
import BallastRedis
import BallastTrading
import BallastWebhooks
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Testing

@testable import Ingest

/// The served OpenAPI document and the router that serves it describe the same routes: no route is
/// undocumented, no documented path and method is missing.
@Suite("OpenAPI document against the router's routes")
struct OpenAPIRoutesTests {
    /// Routes outside the API the document describes: the document itself.
    static let notDescribed: Set<String> = ["GET /openapi.json"]

    @Test("every route of the router is in the document")
    func routesAreDocumented() throws {
        let documented = try Self.documentedRoutes()
        let undocumented = try Self.routerRoutes().subtracting(documented).subtracting(Self.notDescribed)
        #expect(undocumented.isEmpty, "routes missing from openapi.json: \(undocumented.sorted())")
    }

    @Test("every path and method of the document is a route")
    func documentedRoutesExist() throws {
        let missing = try Self.documentedRoutes().subtracting(try Self.routerRoutes())
        #expect(missing.isEmpty, "documented in openapi.json but not routed: \(missing.sorted())")
    }

    @Test("the routes compared are the API's, parameters and all")
    func comparisonSeesTheAPI() throws {
        let documented = try Self.documentedRoutes()
        #expect(documented.count >= 20)
        #expect(documented.contains("POST /webhook/{}"))
        #expect(try Self.routerRoutes().contains("POST /api/v1/positions/{}/close"))
    }

    @Test(
        "a path parameter compares equal however it is written",
        arguments: [
            ("/api/v1/sources/{id}", "/api/v1/sources/{}"),
            ("/api/v1/sources/:id", "/api/v1/sources/{}"),
            ("/webhook/{sourceId}", "/webhook/{}"),
            ("/api/v1/orders/{id}/cancel", "/api/v1/orders/{}/cancel"),
            ("/api/v1/ticker/24hr/", "/api/v1/ticker/24hr"),
            ("webhook", "/webhook"),
        ]
    )
    func normalisedPath(path: String, normalised: String) {
        #expect(Self.normalised(path) == normalised)
    }

    /// `METHOD /path` for each operation of the document that ingest serves.
    static func documentedRoutes() throws -> Set<String> {
        let document = try #require(try JSONSerialization.jsonObject(with: OpenAPIDocument.bytes) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        return Set(
            paths.flatMap { path, item in
                item.keys.filter(methods.contains).map { "\($0.uppercased()) \(normalised(path))" }
            }
        )
    }

    /// `METHOD /path` for each route of the router that the ingest executable builds.
    static func routerRoutes() throws -> Set<String> {
        Set(try router().routes.map { "\($0.method.rawValue) \(normalised($0.path.description))" })
    }

    /// Every path parameter as `{}`, whatever its name or notation (`{id}`, `:id`), one leading slash, none trailing.
    static func normalised(_ path: String) -> String {
        let segments = path.split(separator: "/").map { segment in
            segment.hasPrefix(":") || (segment.hasPrefix("{") && segment.hasSuffix("}")) ? "{}" : String(segment)
        }
        return "/" + segments.joined(separator: "/")
    }

    /// The router from the executable's factory. Its stores point at ports where nothing listens: building
    /// a router connects to nothing, and no request is sent.
    static func router() throws -> Router<IngestRequestContext> {
        let logger = Logger(label: "openapi-routes-test")
        let database = PostgresClient(
            configuration: .init(host: "127.0.0.1", port: 1, username: "nobody", password: nil, database: nil, tls: .disable),
            backgroundLogger: logger
        )
        let redis = RedisClient(endpoint: RedisEndpoint(host: "127.0.0.1", port: 1))
        let webhookSettings = try WebhookSettings(environment: EnvironmentReader([:]))
        return Ingest.router(
            database: database, redis: redis, configuration: try IngestConfiguration(environment: EnvironmentReader([:])),
            webhookSettings: webhookSettings, webhookSender: WebhookSender(httpClient: .shared, settings: webhookSettings), logger: logger)
    }
}
