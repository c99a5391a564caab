import BallastCore
import BallastWebhooks
import Foundation
import Testing

@Suite("Webhook endpoints in Postgres")
struct WebhookEndpointStoreTests {
    @Test("creates racing for the last free places never take a user past the limit")
    func concurrentCreatesKeepTheLimit() async throws {
        try await TestDatabase.with { database, _ in
            let user = try await NotifierHarness.user(database)
            let store = WebhookEndpointStore(database: database, logger: TestServers.logger)
            let target = try WebhookTargetURL(parsing: "https://hooks.example.com/in")
            for _ in 0..<(WebhookEndpointStore.maxEndpointsPerUser - 3) {
                _ = try await store.create(user: user, url: target, events: ["*"], description: "", secret: .generate(), enabled: true)
            }
            let created = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        do {
                            _ = try await store.create(
                                user: user, url: target, events: ["*"], description: "", secret: .generate(), enabled: true)
                            return true
                        } catch WebhookEndpointStore.Failure.tooManyEndpoints {
                            return false
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(created == 3)
            #expect(try await store.list(user: user).count == WebhookEndpointStore.maxEndpointsPerUser)
        }
    }
}
