import BallastUsers
import Foundation
import Ingest
import PostgresNIO

/// The default webhook source with `secret`, owned by `user` (created when missing): what ingest's start-up
/// sets up from `BALLAST_WEBHOOK_SECRET` and `BALLAST_WEBHOOK_USER`.
func ensureDefaultSource(_ database: PostgresClient, user: String, secret: String) async throws -> UUID {
    let owner = try await UserStore(database: database, logger: TestServers.logger).ensureUser(named: user)
    return try await SignalSourceStore(database: database, logger: TestServers.logger).ensureDefaultSource(owner: owner, secret: secret)
}
