import Foundation
import Hummingbird

/// The request context of ingest's public server: Hummingbird's core plus the authenticated user.
public struct IngestRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `APIKeyMiddleware` on `/api/v1` routes.
    public var userID: UUID?
    /// Whether the caller's key is an admin key (`ballast api-key create --admin`), set with `userID`.
    public var isAdmin = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        userID = nil
    }

    /// The caller on an authenticated route; the middleware guarantees it is set there.
    public func requireUser() throws -> UUID {
        guard let userID else { throw HTTPError(.unauthorized) }
        return userID
    }
}
