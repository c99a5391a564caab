import BallastCore
import BallastPostgres
import BallastRedis
import BallastTrading
import BallastUsers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import PostgresNIO
import Testing

@Suite("Webhooks over real HTTP, with real Postgres and Redis")
struct WebhookTests {
    static let secret = "test-secret-0123456789"

    /// A database with a user and a source, and the ingest router on a real socket.
    static func withIngest(
        window: Int = 60,
        webhookSecret: String? = secret,
        _ body: @Sendable (TestClientProtocol, PostgresClient, UUID) async throws -> Void
    ) async throws {
        try await TestDatabase.with { database, _ in
            let sourceID = try await ensureDefaultSource(database, user: "alice", secret: secret)
            var environment = ["BALLAST_DEDUP_WINDOW_SECONDS": String(window), "BALLAST_MAX_BODY_BYTES": "2048"]
            environment["BALLAST_WEBHOOK_SECRET"] = webhookSecret
            let configuration = try IngestConfiguration(environment: EnvironmentReader(environment))
            let app = Application(router: try ingestRouter(database, configuration))
            try await app.test(.live) { client in try await body(client, database, sourceID) }
        }
    }

    static func post(
        _ client: TestClientProtocol,
        _ uri: String,
        _ json: String,
        contentType: String = "text/plain; charset=utf-8",
        headers extra: HTTPFields = [:]
    ) async throws -> (status: HTTPResponse.Status, body: String, headers: HTTPFields) {
        var headers: HTTPFields = [.contentType: contentType]
        headers.append(contentsOf: extra)
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: json)) { response in
            (response.status, String(buffer: response.body), response.headers)
        }
    }

    static func signalID(_ body: String) throws -> String {
        let json = try JSONValue(parsing: Array(body.utf8))
        guard case .string(let id)? = json["id"] else { throw TestSetupError("no id in \(body)") }
        return id
    }

    @Test("a TradingView alert with the secret in its body is accepted, stored without the secret, and reaches the stream once")
    func acceptsAndPublishes() async throws {
        let redis = RedisClient(endpoint: try TestServers.redis)
        try await Self.withIngest { client, database, sourceID in
            let alert = #"{"ticker":"BINANCE:BTCUSDT","action":"buy","size":"0.015","price":97000.5,"secret":"\#(Self.secret)","note":"x"}"#
            let response = try await Self.post(client, "/webhook/\(sourceID)", alert)
            #expect(response.status == .created, "\(response.body)")
            #expect(response.headers[.requestID] != nil)
            #expect(response.body.contains(#""status":"accepted""#))
            let id = try Self.signalID(response.body)

            let rows = try await database.query("SELECT symbol, exchange, quantity::text, raw FROM signals")
            var stored: [(String, String?, String?, String)] = []
            for try await row in rows.decode((String, String?, String?, String).self) { stored.append(row) }
            #expect(stored.count == 1)
            #expect(stored.first?.0 == "BTCUSDT")
            #expect(stored.first?.1 == "BINANCE")
            #expect(stored.first?.2 == "0.015")
            #expect(stored.first.map { !$0.3.contains(Self.secret) && $0.3.contains("note") } == true)

            let relay = OutboxRelay(database: database, producer: StreamProducer(client: redis), logger: TestServers.logger)
            #expect(try await relay.relayPending() == 2)
            let published = try await redis.entries(of: StreamName.signals).filter { $0["data"]?.contains(id) == true }
            #expect(published.count == 1)
            #expect(published.first?["type"] == "signal.received")
            #expect(published.first?["data"]?.contains(Self.secret) == false)
            #expect(published.first?["data"]?.contains(#""quantity":"0.015""#) == true)
            // signal-processors of other tests share this Redis and may publish their own events about the signal.
            let events = try await redis.entries(of: StreamName.events).filter {
                $0["type"] == "signal.received" && $0["data"]?.contains(id) == true
            }
            #expect(events.count == 1)
        }
    }

    @Test("time in force, expiry and trailing stop are stored, returned by the API, published, and part of the fingerprint")
    func orderFields() async throws {
        let redis = RedisClient(endpoint: try TestServers.redis)
        try await Self.withIngest { client, database, sourceID in
            let key = try await UserStore(database: database, logger: TestServers.logger).createAPIKey(forUser: "alice").key
            let alert = #"""
                {"symbol":"BTC-USD","action":"buy","orderType":"limit","price":"96500","quantity":"0.1","timeInForce":"GTD",
                "expiresAt":"2099-01-02T03:04:05+01:00","trailingStopPercent":"2.50","secret":"\#(Self.secret)"}
                """#
            let response = try await Self.post(client, "/webhook/\(sourceID)", alert)
            #expect(response.status == .created, "\(response.body)")
            let id = try Self.signalID(response.body)
            let expiresAt = try #require(RFC3339.date(from: "2099-01-02T02:04:05Z"))

            let rows = try await database.query(
                "SELECT time_in_force, expires_at, trailing_stop_percent::text FROM signals WHERE id = \(UUID(uuidString: id))")
            var stored: [(String?, Date?, String?)] = []
            for try await row in rows.decode((String?, Date?, String?).self) { stored.append(row) }
            #expect(stored.count == 1)
            #expect(stored.first?.0 == "gtd")
            #expect(stored.first?.1 == expiresAt)
            #expect(stored.first?.2 == "2.5")

            let fetched = try await client.execute(
                uri: "/api/v1/signals/\(id)", method: .get, headers: [.authorization: "Bearer \(key)"]
            ) { ($0.status, $0.body) }
            #expect(fetched.0 == .ok)
            let document = try JSONCoding.decoder.decode(SignalDocument.self, from: fetched.1)
            #expect(document.timeInForce == "gtd")
            #expect(document.expiresAt == expiresAt)
            #expect(document.trailingStopPercent == "2.5")
            let listed = try await client.execute(
                uri: "/api/v1/signals?sourceId=\(sourceID)", method: .get, headers: [.authorization: "Bearer \(key)"]
            ) { String(buffer: $0.body) }
            #expect(listed.contains(#""timeInForce":"gtd""#) && listed.contains(#""trailingStopPercent":"2.5""#))

            let relay = OutboxRelay(database: database, producer: StreamProducer(client: redis), logger: TestServers.logger)
            #expect(try await relay.relayPending() == 2)
            let published = try await redis.entries(of: StreamName.signals).filter { $0["data"]?.contains(id) == true }
            #expect(published.count == 1)
            let data = try #require(published.first?["data"])
            let message = try JSONCoding.decoder.decode(SignalDocument.self, from: Data(data.utf8))
            #expect(message.timeInForce == "gtd")
            #expect(message.expiresAt == expiresAt)
            #expect(message.trailingStopPercent == "2.5")
            #expect(data.contains(#""expiresAt":"2099-01-02T02:04:05.000Z""#))

            // Equal order fields are the same content; other ones are not.
            let again = try await Self.post(client, "/webhook/\(sourceID)", alert.replacingOccurrences(of: "2.50", with: "2.5"))
            #expect(again.status == .ok, "\(again.body)")
            #expect(try Self.signalID(again.body) == id)
            let otherStop = try await Self.post(client, "/webhook/\(sourceID)", alert.replacingOccurrences(of: "2.50", with: "3"))
            #expect(otherStop.status == .created, "\(otherStop.body)")
            let gtc =
                #"{"symbol":"BTC-USD","action":"buy","orderType":"limit","price":"96500","quantity":"0.1","#
                + #""secret":"\#(Self.secret)"}"#
            #expect(try await Self.post(client, "/webhook/\(sourceID)", gtc).status == .created)
            let explicitGTC = gtc.replacingOccurrences(of: #""quantity""#, with: #""timeInForce":"gtc","quantity""#)
            #expect(try await Self.post(client, "/webhook/\(sourceID)", explicitGTC).status == .created)

            let past = try await Self.post(
                client, "/webhook/\(sourceID)", alert.replacingOccurrences(of: "2099-01-02", with: "2020-01-02"))
            #expect(past.status == .badRequest)
            #expect(past.headers[.contentType] == "application/problem+json")
            #expect(past.body.contains(#""name":"expiresAt""#))
            #expect(try await database.count("SELECT count(*) FROM signals") == 4)
        }
    }

    @Test("an HMAC-signed body is accepted; a wrong signature, a wrong secret or none are 401")
    func authentication() async throws {
        try await Self.withIngest { client, _, sourceID in
            let body = #"{"symbol":"ETH-USD","action":"sell","quantity":"2"}"#
            let signed = WebhookSignature.sign(Array(body.utf8), secret: Self.secret)
            let header = HTTPField.Name(WebhookSignature.header)!
            let good = try await Self.post(client, "/webhook/\(sourceID)", body, contentType: "application/json", headers: [header: signed])
            #expect(good.status == .created, "\(good.body)")
            let forged = WebhookSignature.sign(Array(body.utf8), secret: "another-secret-0123456")
            let bad = try await Self.post(client, "/webhook/\(sourceID)", body, headers: [header: forged])
            #expect(bad.status == .unauthorized)
            #expect(bad.headers[.contentType] == "application/problem+json")
            let wrong = try await Self.post(client, "/webhook/\(sourceID)", #"{"symbol":"ETH-USD","action":"sell","secret":"nope"}"#)
            #expect(wrong.status == .unauthorized)
            let none = try await Self.post(client, "/webhook/\(sourceID)", body)
            #expect(none.status == .unauthorized)
        }
    }

    @Test("the same client id, or the same signal within the window, is a duplicate with the first id")
    func duplicates() async throws {
        // A window of 3 s: the two posts of one signal stay inside it even on a loaded machine.
        try await Self.withIngest(window: 3) { client, database, sourceID in
            let first = try await Self.post(
                client, "/webhook", #"{"id":"alert-1","symbol":"BTC-USD","action":"buy","secret":"\#(Self.secret)"}"#)
            #expect(first.status == .created, "\(first.body)")
            let again = try await Self.post(
                client, "/webhook", #"{"id":"alert-1","symbol":"SOL-USD","action":"sell","secret":"\#(Self.secret)"}"#)
            #expect(again.status == .ok)
            #expect(try Self.signalID(again.body) == Self.signalID(first.body))
            #expect(again.body.contains(#""status":"duplicate""#))

            let content = #"{"symbol":"ETH-USD","action":"buy","quantity":1,"secret":"\#(Self.secret)"}"#
            let a = try await Self.post(client, "/webhook/\(sourceID)", content)
            let b = try await Self.post(client, "/webhook/\(sourceID)", content.replacingOccurrences(of: "1,", with: "1.0,"))
            #expect(a.status == .created)
            #expect(b.status == .ok)
            try await Task.sleep(for: .milliseconds(3_200))
            let later = try await Self.post(client, "/webhook/\(sourceID)", content)
            #expect(later.status == .created)
            #expect(try await database.count("SELECT count(*) FROM signals") == 3)
        }
    }

    @Test("concurrent copies of one alert through two ingest instances are accepted once")
    func duplicatesAcrossInstances() async throws {
        try await TestDatabase.with { database, endpoint in
            let sourceID = try await ensureDefaultSource(database, user: "alice", secret: Self.secret)
            let configuration = try IngestConfiguration(environment: EnvironmentReader([:]))
            let alert = #"{"symbol":"BTC-USD","action":"buy","quantity":"0.5","secret":"\#(Self.secret)"}"#
            let statuses = try await withThrowingTaskGroup(of: [HTTPResponse.Status].self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await TestDatabase.withClient(endpoint) { instanceDatabase in
                            let app = Application(router: try ingestRouter(instanceDatabase, configuration))
                            return try await app.test(.live) { client in
                                try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { requests in
                                    for _ in 0..<8 {
                                        requests.addTask { try await Self.post(client, "/webhook/\(sourceID)", alert).status }
                                    }
                                    return try await requests.reduce(into: []) { $0.append($1) }
                                }
                            }
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(statuses.filter { $0 == .created }.count == 1)
            #expect(statuses.filter { $0 == .ok }.count == 15)
            #expect(try await database.count("SELECT count(*) FROM signals") == 1)
            #expect(try await database.count("SELECT count(*) FROM outbox WHERE stream = 'ballast:signals'") == 1)
        }
    }

    @Test("bad input gets its 4xx with a problem body, never a 500")
    func badInput() async throws {
        try await Self.withIngest { client, database, sourceID in
            let invalid = try await Self.post(
                client, "/webhook/\(sourceID)", #"{"symbol":"BTC-USD","action":"hold","quantity":"-1","secret":"\#(Self.secret)"}"#)
            #expect(invalid.status == .badRequest)
            #expect(invalid.body.contains(#""name":"action""#) && invalid.body.contains(#""name":"quantity""#))
            let malformed = try await Self.post(client, "/webhook/\(sourceID)", #"{"symbol": "#)
            #expect(malformed.status == .badRequest)
            let huge = try await Self.post(client, "/webhook/\(sourceID)", String(repeating: " ", count: 4_000) + "{}")
            #expect(huge.status == .contentTooLarge)
            let form = try await Self.post(
                client, "/webhook/\(sourceID)", "symbol=BTC", contentType: "application/x-www-form-urlencoded")
            #expect(form.status == .unsupportedMediaType)
            let unknown = try await Self.post(client, "/webhook/\(UUID())", #"{"secret":"x"}"#)
            #expect(unknown.status == .notFound)
            let notUUID = try await Self.post(client, "/webhook/not-a-uuid", #"{"secret":"x"}"#)
            #expect(notUUID.status == .notFound)
            for response in [invalid, malformed, huge, form, unknown] {
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            #expect(try await database.count("SELECT count(*) FROM signals") == 0)
            let test = try await client.execute(uri: "/webhook/test", method: .get) { $0.status }
            #expect(test == .ok)
        }
    }

    @Test("without BALLAST_WEBHOOK_SECRET, POST /webhook refuses everything")
    func noSecretConfigured() async throws {
        try await Self.withIngest(webhookSecret: nil) { client, database, _ in
            let response = try await Self.post(client, "/webhook", #"{"symbol":"BTC-USD","action":"buy","secret":"\#(Self.secret)"}"#)
            #expect(response.status == .unauthorized)
            #expect(try await database.count("SELECT count(*) FROM signals") == 0)
        }
    }
}

@Suite("Webhook rate limit")
struct WebhookRateLimitTests {
    @Test("over the per-source limit: 429 with Retry-After and a problem body; other sources unaffected")
    func limited() async throws {
        let redis = RedisClient(endpoint: try TestServers.redis)
        try await TestDatabase.with { database, _ in
            let sourceID = try await ensureDefaultSource(database, user: "alice", secret: WebhookTests.secret)
            let configuration = try IngestConfiguration(
                environment: EnvironmentReader(["BALLAST_WEBHOOK_RATE_LIMIT": "3", "BALLAST_DEDUP_WINDOW_SECONDS": "0"])
            )
            let limiter = WebhookRateLimiter(redis: redis, requestsPerMinute: 3, logger: TestServers.logger)
            let router = try ingestRouter(database, configuration, rateLimiter: limiter)
            try await Application(router: router).test(.live) { client in
                // The limiter counts in fixed one-minute windows: five requests that straddle a minute's end
                // would meet two windows (a loaded CI machine once took that long). Start early in one.
                let secondOfMinute = Date().epochSeconds % 60
                if secondOfMinute > 30 { try await Task.sleep(for: .seconds(61 - secondOfMinute)) }
                var statuses: [HTTPResponse.Status] = []
                var last: (status: HTTPResponse.Status, body: String, headers: HTTPFields)?
                for index in 0..<5 {
                    let alert = #"{"symbol":"BTC-USD","action":"buy","quantity":"\#(index + 1)","secret":"\#(WebhookTests.secret)"}"#
                    last = try await WebhookTests.post(client, "/webhook/\(sourceID)", alert)
                    statuses.append(last!.status)
                }
                #expect(statuses == [.created, .created, .created, .tooManyRequests, .tooManyRequests])
                #expect(last?.headers[.retryAfter].flatMap(Int.init).map { (1...60).contains($0) } == true)
                #expect(last?.headers[.contentType] == "application/problem+json")
                #expect(last?.body.contains("3 requests a minute") == true)
            }
            #expect(try await database.count("SELECT count(*) FROM signals") == 3)
        }
    }
}

@Suite("Webhooks while Redis restarts")
struct WebhookRedisOutageTests {
    @Test("signals accepted while Redis is down all reach the stream once it is back, each once")
    func redisRestartLosesNothing() async throws {
        let server = try RedisServerProcess()
        try await server.start()
        let redis = RedisClient(endpoint: server.endpoint, commandTimeout: .seconds(2))
        try await TestDatabase.with { database, _ in
            let sourceID = try await ensureDefaultSource(database, user: "alice", secret: WebhookTests.secret)
            let configuration = try IngestConfiguration(environment: EnvironmentReader([:]))
            var relayConfiguration = OutboxRelay.Configuration()
            relayConfiguration.pollInterval = .milliseconds(20)
            let relay = OutboxRelay(
                database: database,
                producer: StreamProducer(client: redis),
                configuration: relayConfiguration,
                logger: TestServers.logger
            )
            let accepted = Recorder<String>()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await relay.run() }
                defer { group.cancelAll() }
                try await Application(router: try ingestRouter(database, configuration)).test(.live) { client in
                    for index in 0..<60 {
                        if index == 20 { await server.stop() }
                        if index == 40 { try await server.start() }
                        let alert = #"{"symbol":"BTC-USD","action":"buy","quantity":"\#(index + 1)","secret":"\#(WebhookTests.secret)"}"#
                        let response = try await WebhookTests.post(client, "/webhook/\(sourceID)", alert)
                        #expect(response.status == .created)
                        accepted.append(try WebhookTests.signalID(response.body))
                    }
                }
                #expect(
                    await eventually(timeout: .seconds(30)) {
                        try await database.count("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0
                    }
                )
            }
            let published = try await redis.entries(of: StreamName.signals).compactMap { $0["data"] }
            for id in accepted.all {
                #expect(published.filter { $0.contains(id) }.count == 1, "signal \(id)")
            }
            #expect(published.count == 60)
        }
        await server.stop()
    }
}
