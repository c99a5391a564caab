import BallastCore
import BallastRedis
import BallastUsers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import PostgresNIO
import Testing

@Suite("Experiments API (/api/v1/experiments) and routed webhooks over real HTTP with real Postgres and Redis")
struct ExperimentsAPITests {
    struct Experiment: Decodable {
        struct Variant: Decodable {
            var name: String
            var engine: String
            var settings: [String: String]
            var weight: String?
            var accountId: String
        }

        var id: String
        var name: String
        var mode: String
        var status: String
        var variants: [Variant]
    }

    struct Source: Decodable {
        var id: String
        var secret: String?
    }

    struct WebhookAnswer: Decodable {
        var id: String
        var status: String
        var experimentID: String?
        var variant: String?
        var variants: [String]?
        var engine: String?

        enum CodingKeys: String, CodingKey {
            case id, status, variant, variants, engine
            case experimentID = "experiment_id"
        }
    }

    struct API {
        let database: PostgresClient
        let client: TestClientProtocol
        let key: String
        let otherKey: String

        func call(_ method: HTTPRequest.Method, _ uri: String, key: String? = nil, json: String? = nil) async throws -> APIReply {
            try await client.call(method, uri, key: key ?? self.key, json: json)
        }

        func source(key: String? = nil) async throws -> Source {
            let reply = try await call(.post, "/api/v1/sources", key: key, json: #"{"name":"\#(TestServers.unique("tv"))"}"#)
            #expect(reply.status == .created, "\(reply.text)")
            return try reply.decode(Source.self)
        }

        func create(_ json: String) async throws -> Experiment {
            let reply = try await call(.post, "/api/v1/experiments", json: json)
            #expect(reply.status == .created, "\(reply.text)")
            return try reply.decode(Experiment.self)
        }

        func webhook(_ source: Source, _ fields: String) async throws -> WebhookAnswer {
            let reply = try await client.execute(
                uri: "/webhook/\(source.id)", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"secret":"\#(source.secret ?? "")",\#(fields)}"#)
            ) { APIReply(status: $0.status, body: $0.body, contentType: $0.headers[.contentType]) }
            #expect(reply.status == .created || reply.status == .ok, "\(reply.text)")
            return try reply.decode(WebhookAnswer.self)
        }

        /// The 400's invalid parameter names for creating `json`.
        func refusal(_ json: String) async throws -> Set<String> {
            let reply = try await call(.post, "/api/v1/experiments", json: json)
            #expect(reply.status == .badRequest, "\(reply.text)")
            return try reply.problem.names
        }
    }

    static func withAPI(_ body: @Sendable (API) async throws -> Void) async throws {
        try await TestDatabase.with { database, _ in
            let users = UserStore(database: database, logger: TestServers.logger)
            let alice = TestServers.unique("alice")
            try await users.createUser(named: alice)
            let key = try await users.createAPIKey(forUser: alice).key
            let bob = TestServers.unique("bob")
            try await users.createUser(named: bob)
            let otherKey = try await users.createAPIKey(forUser: bob).key
            let configuration = try IngestConfiguration(environment: EnvironmentReader([:]))
            try await Application(router: try ingestRouter(database, configuration)).test(.live) { client in
                try await body(API(database: database, client: client, key: key, otherKey: otherKey))
            }
        }
    }

    static let shadowVariants = #"[{"name":"A","engine":"rules"},{"name":"B","engine":"confirmed","settings":{"fastEma":5,"slowEma":10}}]"#

    @Test("a shadow experiment routes every signal of its source to both variants, and the webhook answer says so")
    func shadowRouting() async throws {
        try await Self.withAPI { api in
            let source = try await api.source()
            let experiment = try await api.create(
                #"{"name":"rules vs confirmed","mode":"shadow","scope":{"sources":["\#(source.id)"]},"variants":\#(Self.shadowVariants),"start":true}"#
            )
            #expect(experiment.status == "running" && experiment.mode == "shadow")
            #expect(experiment.variants.map(\.name) == ["A", "B"] && experiment.variants.map(\.engine) == ["rules", "confirmed"])
            #expect(experiment.variants[1].settings == ["fastEma": "5", "slowEma": "10"])
            #expect(Set(experiment.variants.map(\.accountId)).count == 2, "each variant trades on an account of its own")

            let answer = try await api.webhook(source, #""ticker":"BTCUSD","action":"buy","quantity":"0.1""#)
            #expect(answer.status == "accepted")
            #expect(answer.experimentID == experiment.id)
            #expect(answer.variant == "shadow" && answer.variants == ["A", "B"])
            let routing = try await api.database.count(
                "SELECT count(*)::int8 FROM signals WHERE id = \(UUID(uuidString: answer.id)!) AND lower(routing->>'experimentId') = \(experiment.id.lowercased())"
            )
            #expect(routing == 1, "the signal row keeps where it was routed")

            // The same alert again (same content inside the duplicate window) is answered with the original's routing.
            let again = try await api.webhook(source, #""ticker":"BTCUSD","action":"buy","quantity":"0.1""#)
            #expect(again.status == "duplicate" && again.id == answer.id && again.experimentID == experiment.id)

            let stopped = try await api.call(.post, "/api/v1/experiments/\(experiment.id)/stop")
            #expect(stopped.status == .ok, "\(stopped.text)")
            let after = try await api.webhook(source, #""ticker":"ETHUSD","action":"buy","quantity":"1""#)
            #expect(after.experimentID == nil && after.variant == nil, "a stopped experiment routes nothing")
            let restart = try await api.call(.post, "/api/v1/experiments/\(experiment.id)/start")
            #expect(restart.status == .conflict, "\(restart.text)")
        }
    }

    @Test("a 50/50 split sends each signal to one variant, the same one for the same id")
    func splitRouting() async throws {
        try await Self.withAPI { api in
            let source = try await api.source()
            let experiment = try await api.create(
                #"{"name":"split","variants":[{"name":"A","engine":"rules","weight":50},{"name":"B","engine":"rules","weight":"50"}],"start":true}"#
            )
            var seen: [String: Int] = [:]
            for index in 0..<40 {
                let answer = try await api.webhook(source, #""ticker":"BTCUSD","action":"buy","quantity":"0.\#(index + 1)""#)
                #expect(answer.experimentID == experiment.id)
                #expect(answer.variants?.count == 1 && answer.variant == answer.variants?.first)
                seen[answer.variant ?? "-", default: 0] += 1
            }
            #expect(Set(seen.keys) == ["A", "B"], "40 signals at 50/50 reach both variants: \(seen)")
        }
    }

    @Test("a source's engine routes its signals outside experiments; a strategy can have its own")
    func sourceEngine() async throws {
        try await Self.withAPI { api in
            let source = try await api.source()
            let set = try await api.call(
                .put, "/api/v1/sources/\(source.id)/engine",
                json: #"{"engine":"confirmed","settings":{"riskPercent":"0.5"},"strategies":{"scalp":{"engine":"rules"}}}"#)
            #expect(set.status == .ok, "\(set.text)")
            let confirmed = try await api.webhook(source, #""ticker":"BTCUSD","action":"buy","quantity":"0.1""#)
            #expect(confirmed.engine == "confirmed" && confirmed.experimentID == nil)
            let scalp = try await api.webhook(source, #""ticker":"BTCUSD","action":"buy","quantity":"0.2","strategy":"scalp""#)
            #expect(scalp.engine == nil, "rules without settings needs no routing")
            let bad = try await api.call(.put, "/api/v1/sources/\(source.id)/engine", json: #"{"engine":"magic"}"#)
            #expect(bad.status == .badRequest, "\(bad.text)")
            #expect(try bad.problem.names == ["engine"])
            let reset = try await api.call(.delete, "/api/v1/sources/\(source.id)/engine")
            #expect(reset.status == .noContent)
            let plain = try await api.webhook(source, #""ticker":"BTCUSD","action":"buy","quantity":"0.3""#)
            #expect(plain.engine == nil)
        }
    }

    @Test("bad experiments are refused with a 400 naming the field")
    func refusals() async throws {
        try await Self.withAPI { api in
            let two = #"{"name":"A","engine":"rules","weight":50},{"name":"B","engine":"rules","weight":50}"#
            #expect(
                try await api.refusal(
                    #"{"name":"x","variants":[{"name":"A","engine":"rules","weight":50},{"name":"B","engine":"magic","weight":50}]}"#)
                    == ["variants[1].engine"])
            #expect(
                try await api.refusal(
                    #"{"name":"x","variants":[{"name":"A","engine":"rules","weight":50},{"name":"B","engine":"rules","weight":40}]}"#)
                    == ["variants[].weight"])
            #expect(
                try await api.refusal(
                    #"{"name":"x","mode":"shadow","variants":[{"name":"A","engine":"rules"},{"name":"B","engine":"rules","weight":50}]}"#)
                    == ["variants[1].weight"])
            #expect(
                try await api.refusal(
                    #"{"name":"x","variants":[{"name":"A","engine":"rules","weight":50},{"name":"B","engine":"confirmed","weight":50,"settings":{"fastEma":300}}]}"#
                ) == ["variants[1].settings.fastEma"])
            #expect(try await api.refusal(#"{"name":"x","variants":[\#(two)],"mode":"sometimes"}"#) == ["mode"])
            #expect(try await api.refusal(#"{"variants":[{"name":"A","engine":"rules","weight":100}]}"#) == ["name", "variants"])
            let bobs = try await api.source(key: api.otherKey)
            #expect(
                try await api.refusal(#"{"name":"x","scope":{"sources":["\#(bobs.id)"]},"variants":[\#(two)]}"#) == ["scope.sources[0]"])
            let draft = try await api.create(#"{"name":"alice's","variants":[\#(two)]}"#)
            let bobsList = try await api.call(.get, "/api/v1/experiments", key: api.otherKey)
            #expect(bobsList.status == .ok && !bobsList.text.contains(draft.id), "another user's experiments are not listed")
            for path in ["", "/report"] {
                let reply = try await api.call(.get, "/api/v1/experiments/\(draft.id)\(path)", key: api.otherKey)
                #expect(reply.status == .notFound, "\(path): \(reply.text)")
            }
            #expect(try await api.call(.post, "/api/v1/experiments/\(draft.id)/start", key: api.otherKey).status == .notFound)
            let patch = try await api.call(.patch, "/api/v1/experiments/\(draft.id)", json: #"{"scope":{"sources":["\#(bobs.id)"]}}"#)
            #expect(patch.status == .badRequest, "\(patch.text)")
            #expect(try patch.problem.names == ["scope.sources[0]"])
            let option = try await api.call(
                .post, "/webhook/\(bobs.id)", key: "",
                json:
                    #"{"secret":"\#(bobs.secret ?? "")","ticker":"BTCUSD","action":"buy","direction":"call","price":"100","strikesAway":-1,"intrinsicValue":"itm"}"#
            )
            #expect(option.status == .badRequest, "\(option.text)")
            #expect(try option.problem.names == ["price", "strikesAway"])
        }
    }
}
