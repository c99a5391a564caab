import Foundation
import PostgresNIO

/// The operator's reads across users (`ballast webhooks`), kept apart from the API's, which are always scoped to
/// the calling user.
extension WebhookEndpointStore {
    /// The users who have endpoints, by name; only the one called `name` when given.
    public func owners(named name: String? = nil) async throws -> [(id: UUID, name: String)] {
        let rows = try await database.query(
            """
            SELECT u.id, u.name FROM users u
            WHERE (\(name)::text IS NULL OR u.name = \(name)) AND EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.user_id = u.id)
            ORDER BY u.name
            """,
            logger: logger
        )
        var owners: [(id: UUID, name: String)] = []
        for try await (id, name) in rows.decode((UUID, String).self) { owners.append((id, name)) }
        return owners
    }

    /// The owner of endpoint `id`; nil when there is no such endpoint.
    public func owner(of id: UUID) async throws -> UUID? {
        let rows = try await database.query("SELECT user_id FROM webhook_endpoints WHERE id = \(id)", logger: logger)
        for try await owner in rows.decode(UUID.self) { return owner }
        return nil
    }
}
