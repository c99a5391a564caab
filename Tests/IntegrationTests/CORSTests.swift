import BallastCore
import BallastService
import BallastUsers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import Testing

/// Browser calls to ingest's API through the executable's router, by `BALLAST_CORS_*`.
@Suite("CORS on ingest's public API")
struct CORSTests {
    static let configured = [
        "BALLAST_CORS_ORIGINS": "http://localhost:5173, https://optionsengines-*.vercel.app",
        "BALLAST_CORS_CREDENTIALS": "true", "BALLAST_CORS_MAX_AGE_SECONDS": "900",
    ]

    /// The router built from `environment`, with a user whose API key is passed to `body`.
    static func withAPI(
        _ environment: [String: String], _ body: @Sendable (TestClientProtocol, _ key: String) async throws -> Void
    ) async throws {
        try await TestDatabase.with { database, _ in
            let users = UserStore(database: database, logger: TestServers.logger)
            try await users.createUser(named: "alice")
            let key = try await users.createAPIKey(forUser: "alice").key
            let configuration = try IngestConfiguration(environment: EnvironmentReader(environment))
            let app = Application(router: try ingestRouter(database, configuration))
            try await app.test(.router) { client in try await body(client, key) }
        }
    }

    static func preflight(_ client: TestClientProtocol, origin: String, requesting headers: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/v1/sources", method: .options,
            headers: [.origin: origin, .accessControlRequestMethod: "POST", .accessControlRequestHeaders: headers])
    }

    static func hasCORSHeaders(_ response: TestResponse) -> Bool {
        response.headers.contains { $0.name.canonicalName.hasPrefix("access-control-") }
    }

    @Test(
        "a preflight from an allowed origin, exact or matched by a pattern: 204 with what the page may send",
        arguments: [
            ("http://localhost:5173", "content-type", "Content-Type"),
            ("https://optionsengines-git-main-team.vercel.app", "authorization, content-type, x-evil", "Authorization, Content-Type"),
        ]
    )
    func allowedPreflight(origin: String, requested: String, allowedHeaders: String) async throws {
        try await Self.withAPI(Self.configured) { client, _ in
            let response = try await Self.preflight(client, origin: origin, requesting: requested)
            #expect(response.status == .noContent)
            #expect(response.headers[.accessControlAllowOrigin] == origin)
            #expect(response.headers[.accessControlAllowMethods] == "GET, POST, PUT, PATCH, DELETE")
            #expect(response.headers[.accessControlAllowHeaders] == allowedHeaders)
            #expect(response.headers[.accessControlAllowCredentials] == "true")
            #expect(response.headers[.accessControlMaxAge] == "900")
            #expect(response.headers[.vary]?.contains("Origin") == true)
        }
    }

    @Test(
        "a preflight from any other origin: 403 with a problem body and no CORS headers",
        arguments: [
            "https://evil.example", "https://optionsengines-.vercel.app", "https://optionsengines-x.vercel.app.evil.example", "null",
        ]
    )
    func refusedPreflight(origin: String) async throws {
        try await Self.withAPI(Self.configured) { client, _ in
            let response = try await Self.preflight(client, origin: origin, requesting: "authorization")
            #expect(response.status == .forbidden)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(response.headers[.requestID] != nil)
            #expect(!Self.hasCORSHeaders(response))
        }
    }

    @Test("a real request from an allowed page gets its origin back, on success and on a problem alike")
    func allowedRequest() async throws {
        try await Self.withAPI(Self.configured) { client, key in
            let origin = "https://optionsengines-pr-7.vercel.app"
            let listed = try await client.execute(
                uri: "/api/v1/sources", method: .get, headers: [.origin: origin, .authorization: "Bearer \(key)"])
            #expect(listed.status == .ok)
            #expect(listed.headers[.accessControlAllowOrigin] == origin)
            #expect(listed.headers[.accessControlAllowCredentials] == "true")
            #expect(listed.headers[.accessControlExposeHeaders] == "Location, Retry-After, X-Request-Id")
            #expect(listed.headers[.vary] == "Origin")
            let refused = try await client.execute(uri: "/api/v1/sources", method: .get, headers: [.origin: origin])
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.accessControlAllowOrigin] == origin)
        }
    }

    @Test("a real request from another page, or with no Origin, is answered without CORS headers")
    func otherRequest() async throws {
        try await Self.withAPI(Self.configured) { client, key in
            for headers: HTTPFields in [[.origin: "https://evil.example"], [.origin: "null"], [:]] {
                var fields = headers
                fields[.authorization] = "Bearer \(key)"
                let response = try await client.execute(uri: "/api/v1/sources", method: .get, headers: fields)
                #expect(response.status == .ok)
                #expect(!Self.hasCORSHeaders(response))
                #expect(response.headers[.vary] == "Origin")
            }
        }
    }

    @Test("without BALLAST_CORS_ORIGINS nothing changes: no CORS headers, and a preflight is an unknown route")
    func unset() async throws {
        try await Self.withAPI([:]) { client, key in
            let preflight = try await Self.preflight(client, origin: "http://localhost:5173", requesting: "authorization")
            #expect(preflight.status == .notFound)
            #expect(!Self.hasCORSHeaders(preflight))
            let response = try await client.execute(
                uri: "/api/v1/sources", method: .get, headers: [.origin: "http://localhost:5173", .authorization: "Bearer \(key)"])
            #expect(response.status == .ok)
            #expect(!Self.hasCORSHeaders(response))
            #expect(response.headers[.vary] == nil)
        }
    }
}
