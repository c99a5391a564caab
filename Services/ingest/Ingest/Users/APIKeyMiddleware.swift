import BallastService
import BallastUsers
import Foundation
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <api key>` and sets the caller (and whether the key is an admin's); revoked or
/// unknown keys get 401.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = IngestRequestContext

    let users: UserStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw Self.unauthorized("send Authorization: Bearer <api key>")
        }
        let key = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, key.count <= 256, let caller = try await users.caller(forAPIKey: key) else {
            throw Self.unauthorized("the API key is unknown or revoked")
        }
        var context = context
        context.userID = caller.userID
        context.isAdmin = caller.isAdmin
        return try await next(request, context)
    }

    static func unauthorized(_ detail: String) -> ProblemDetails {
        ProblemDetails(status: .unauthorized, detail: detail)
    }
}
