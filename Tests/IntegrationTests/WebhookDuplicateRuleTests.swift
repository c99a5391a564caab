import BallastCore
import BallastRedis
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import PostgresNIO
import Testing

/// A client id is the sender's own statement of identity: with one, only the same id (per source) is a
/// duplicate. The content fingerprint and its window decide only between signals without an id.
@Suite("Duplicates: the client id decides; the content only between signals without one")
struct WebhookDuplicateRuleTests {
    static func alert(id: String?, action: String = "buy") -> String {
        let idMember = id.map { #""id":"\#($0)","# } ?? ""
        return #"{\#(idMember)"ticker":"BTC-USD","action":"\#(action)","size":"0.01","secret":"\#(WebhookTests.secret)"}"#
    }

    static func post(_ client: TestClientProtocol, _ sourceID: UUID, id: String?) async throws -> (HTTPResponse.Status, String) {
        let response = try await WebhookTests.post(client, "/webhook/\(sourceID)", alert(id: id))
        return (response.status, try WebhookTests.signalID(response.body))
    }

    @Test("three signals with the ids a-1, a-2, a-3 and the same content, seconds apart, are three signals (pyramiding)")
    func distinctIDsSameContent() async throws {
        try await WebhookTests.withIngest(window: 60) { client, database, sourceID in
            var ids: [String] = []
            for (index, clientID) in ["a-1", "a-2", "a-3"].enumerated() {
                if index > 0 { try await Task.sleep(for: .seconds(1)) }
                let (status, id) = try await Self.post(client, sourceID, id: clientID)
                #expect(status == .created, "\(clientID)")
                ids.append(id)
            }
            #expect(Set(ids).count == 3)
            #expect(try await database.count("SELECT count(*) FROM signals") == 3)
            #expect(try await database.count("SELECT count(DISTINCT sequence) FROM signal_numbers") == 3)
            #expect(try await database.count("SELECT count(*) FROM outbox WHERE stream = 'ballast:signals'") == 3)
        }
    }

    @Test("the same client id twice is one signal: 201, then 200 duplicate with the first id; no number taken")
    func sameIDTwice() async throws {
        try await WebhookTests.withIngest(window: 60) { client, database, sourceID in
            let (first, firstID) = try await Self.post(client, sourceID, id: "a-1")
            let again = try await WebhookTests.post(client, "/webhook/\(sourceID)", Self.alert(id: "a-1", action: "sell"))
            #expect(first == .created)
            #expect(again.status == .ok)
            #expect(again.body.contains(#""status":"duplicate""#))
            #expect(try WebhookTests.signalID(again.body) == firstID)
            #expect(try await database.count("SELECT count(*) FROM signals") == 1)
            #expect(try await database.count("SELECT count(*) FROM signal_numbers") == 1)
        }
    }

    @Test("without an id, the same content within the window is a duplicate; an earlier signal with an id does not count")
    func noIDSameContent() async throws {
        try await WebhookTests.withIngest(window: 60) { client, database, sourceID in
            let (withID, identified) = try await Self.post(client, sourceID, id: "a-1")
            #expect(withID == .created)
            // Same content as a-1, no id: the fingerprint window applies among id-less signals only.
            let (plain, plainID) = try await Self.post(client, sourceID, id: nil)
            #expect(plain == .created)
            #expect(plainID != identified)
            let (repeated, repeatedID) = try await Self.post(client, sourceID, id: nil)
            #expect(repeated == .ok)
            #expect(repeatedID == plainID)
            // And an id-less signal before does not make a new id a duplicate either.
            let (later, _) = try await Self.post(client, sourceID, id: "a-2")
            #expect(later == .created)
            #expect(try await database.count("SELECT count(*) FROM signals") == 3)
        }
    }

    @Test("concurrent requests with distinct ids and the same content, batched together, are all accepted; repeats of one id are not")
    func concurrentDistinctIDs() async throws {
        try await WebhookTests.withIngest(window: 60) { client, database, sourceID in
            let clientIDs = (1...16).map { "dca-\($0)" } + (1...8).map { _ in "dca-1" }
            let statuses = try await withThrowingTaskGroup(of: (String, HTTPResponse.Status, String).self) { group in
                for clientID in clientIDs {
                    group.addTask {
                        let (status, id) = try await Self.post(client, sourceID, id: clientID)
                        return (clientID, status, id)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0.1 == .created }.count == 16)
            #expect(statuses.filter { $0.1 == .ok }.map(\.0) == Array(repeating: "dca-1", count: 8))
            #expect(Set(statuses.filter { $0.0 == "dca-1" }.map(\.2)).count == 1)
            #expect(try await database.count("SELECT count(*) FROM signals") == 16)
            #expect(try await database.count("SELECT max(sequence) FROM signal_numbers") == 16)
        }
    }
}
