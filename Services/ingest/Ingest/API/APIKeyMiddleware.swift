import BallastService
import Foundation
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <api key>` and sets the caller; revoked or unknown keys get 401.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = IngestRequestContext

    let accounts: any APIKeyLookup

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw Self.unauthorized("send Authorization: Bearer <api key>")
        }
        let key = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, key.count <= 256, let userID = try await accounts.userID(forAPIKey: key) else {
            throw Self.unauthorized("the API key is unknown or revoked")
        }
        var context = context
        context.userID = userID
        return try await next(request, context)
    }

    static func unauthorized(_ detail: String) -> ProblemDetails {
        ProblemDetails(status: .unauthorized, detail: detail)
    }
}

/// Finds the user an API key belongs to.
public protocol APIKeyLookup: Sendable {
    func userID(forAPIKey key: String) async throws -> UUID?
}

extension AccountStore: APIKeyLookup {
    public func userID(forAPIKey key: String) async throws -> UUID? {
        let rows = try await database.query(
            "SELECT user_id FROM api_keys WHERE key_hash = \(Self.hash(key)) AND revoked_at IS NULL",
            logger: logger
        )
        var found: UUID?
        for try await id in rows.decode(UUID.self) { found = id }
        return found
    }
}
