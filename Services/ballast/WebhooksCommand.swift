import ArgumentParser
import BallastCore
import BallastWebhooks
import Foundation

struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Inspect outgoing webhook endpoints and deliveries, or receive deliveries locally.",
        subcommands: [List.self, Deliveries.self, WebhooksReceiveCommand.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every user's webhook endpoints (or one user's).")

        @Option(help: "Only this user's endpoints.")
        var user: String?

        func run() async throws {
            let user = self.user
            let listed = try await withDatabase { client, logger in
                let store = WebhookEndpointStore(database: client, logger: logger)
                var listed: [(user: String, endpoint: WebhookEndpoint)] = []
                for owner in try await store.owners(named: user) {
                    listed += try await store.list(user: owner.id).map { (owner.name, $0) }
                }
                return listed
            }
            let rows = listed.map { user, endpoint in
                [
                    endpoint.id.uuidString.lowercased(), user, endpoint.url, endpoint.events.joined(separator: ","),
                    endpoint.enabled ? "yes" : "no", String(endpoint.failureCount), endpoint.disabledReason ?? "",
                ]
            }
            print(WebhooksCommand.table(header: ["ID", "USER", "URL", "EVENTS", "ENABLED", "FAILURES", "DISABLED REASON"], rows: rows))
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an endpoint's deliveries, newest first.")

        @Argument(help: "The endpoint's id.")
        var webhookID: String

        @Option(help: "Only deliveries in this state: \(DeliveryFilter.statuses.sorted().joined(separator: ", ")).")
        var status: String?

        @Option(help: "How many to show, 1 to 1000.")
        var limit = 50

        func run() async throws {
            guard let endpoint = UUID(uuidString: webhookID) else {
                throw CommandFailure.exit("'\(webhookID.prefix(64))' is not a webhook id (a UUID)", code: 2)
            }
            if let status, !DeliveryFilter.statuses.contains(status) {
                let accepted = DeliveryFilter.statuses.sorted().joined(separator: ", ")
                throw CommandFailure.exit("invalid --status '\(status.prefix(32))': expected one of \(accepted)", code: 2)
            }
            guard (1...1_000).contains(limit) else { throw CommandFailure.exit("--limit must be from 1 to 1000, got \(limit)", code: 2) }
            let filter = DeliveryFilter(status: status, limit: limit)
            let page = try await withDatabase { client, logger in
                let endpoints = WebhookEndpointStore(database: client, logger: logger)
                guard let owner = try await endpoints.owner(of: endpoint) else {
                    throw CommandFailure.exit("no webhook endpoint with id \(endpoint.uuidString.lowercased())", code: 1)
                }
                return try await WebhookDeliveryStore(database: client, logger: logger).deliveries(
                    of: endpoint, user: owner, matching: filter)
            }
            let rows = (page?.items ?? []).map { delivery in
                [
                    delivery.id.uuidString.lowercased(), delivery.eventType, delivery.status + (delivery.isTest ? " (test)" : ""),
                    String(delivery.attemptCount), delivery.nextAttemptAt.map(RFC3339.string(from:)) ?? "",
                    RFC3339.string(from: delivery.createdAt),
                ]
            }
            print(WebhooksCommand.table(header: ["ID", "EVENT", "STATUS", "ATTEMPTS", "NEXT ATTEMPT", "CREATED"], rows: rows))
        }
    }

    /// `rows` under `header` in columns two spaces apart.
    static func table(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
