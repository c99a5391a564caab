import HTTPTypes
import Hummingbird

/// Answers CORS preflights and lets allowed pages read the answers, by `policy`.
///
/// - A preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin gets 204 with the allowed
///   methods, the requested headers that the policy allows (the browser refuses the request if one it asked for is
///   missing), credentials when enabled, and the max age. From any other origin it gets 403 with a problem body
///   and no CORS headers, so that a developer who calls with curl sees why.
/// - Any other request goes through unchanged; when its origin is allowed, the response echoes it in
///   `Access-Control-Allow-Origin`. Every response says `Vary: Origin`, so that a cache never serves one origin's
///   answer to another.
///
/// Add it first, before `ProblemMiddleware` (so that problem responses carry the headers too) and before
/// authentication (preflights carry no credentials). Hummingbird's `CORSMiddleware` is not used: it matches
/// origins only exactly, takes every `OPTIONS` with an `Origin` for a preflight, and sends
/// `Access-Control-Allow-Credentials` to origins it does not allow.
public struct CORSPolicyMiddleware<Context: RequestContext>: RouterMiddleware {
    public let policy: CORSPolicy

    public init(policy: CORSPolicy) {
        self.policy = policy
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let origin = request.headers[.origin]
        let isAllowed = origin.map(policy.allows) ?? false
        if let origin, request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return isAllowed ? preflight(from: origin, request: request) : refusal(of: origin, request: request, context: context)
        }
        var response = try await next(request, context)
        response.headers.append(HTTPField(name: .vary, value: "Origin"))
        if let origin, isAllowed {
            response.headers[.accessControlAllowOrigin] = origin
            if policy.allowsCredentials { response.headers[.accessControlAllowCredentials] = "true" }
            response.headers[.accessControlExposeHeaders] = CORSPolicy.exposedHeaders.map(\.rawName).joined(separator: ", ")
        }
        return response
    }

    private func preflight(from origin: String, request: Request) -> Response {
        var headers: HTTPFields = [
            .accessControlAllowOrigin: origin,
            .accessControlAllowMethods: CORSPolicy.methods.map(\.rawValue).joined(separator: ", "),
            .accessControlMaxAge: String(policy.maxAgeSeconds),
            .vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        ]
        let allowedHeaders = policy.allowedHeaders(requested: request.headers[.accessControlRequestHeaders] ?? "")
        if !allowedHeaders.isEmpty {
            headers[.accessControlAllowHeaders] = allowedHeaders.map(\.rawName).joined(separator: ", ")
        }
        if policy.allowsCredentials { headers[.accessControlAllowCredentials] = "true" }
        return Response(status: .noContent, headers: headers)
    }

    /// Outside `ProblemMiddleware`, so the request id it would add is added here.
    private func refusal(of origin: String, request: Request, context: Context) -> Response {
        var response = ProblemDetails(
            status: .forbidden,
            detail:
                "the origin '\(origin)' may not call this API from a browser; its operator lists the origins that may in \(CORSPolicy.originsVariable)",
            instance: request.uri.path
        ).response
        response.headers[.requestID] = ProblemMiddleware<Context>.requestID(of: request, context: context)
        response.headers[.vary] = "Origin"
        return response
    }
}
