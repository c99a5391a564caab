import BallastCore
import BallastPostgres
import BallastRedis
import BallastService
import BallastTrading
import BallastUsers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import PostgresNIO
import Testing

/// The seed's test signal and the TradersPost bridge format over real HTTP, stored in Postgres, served by the
/// signals API and published on `ballast:signals` (issue 15). The HMAC-signed seed example is in
/// `WebhookCompatibilityTests`.
@Suite("Webhooks take the seed's signals and the TradersPost bridge format, over real HTTP")
struct WebhookBridgeFormatTests {
    /// The seed's "Send Test Signal" body (`tradingview-signal-pipeline-review.md`), as its `curl -d` sends it once
    /// the shell has put `date -u +%Y-%m-%dT%H:%M:%SZ` in; `secret` adds the source's secret as a last member.
    static func seedTestSignal(timestamp: String, secret: String? = nil) -> String {
        let secretMember = secret.map { ",\n    \"secret\": \"\($0)\"" } ?? ""
        return """
            {
                "symbol": "SPY",
                "direction": "long",
                "timeframe": "5m",
                "timestamp": "\(timestamp)"\(secretMember)
              }
            """
    }

    /// `date -u +%Y-%m-%dT%H:%M:%SZ`.
    static func seedDate(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func object(_ body: String) throws -> JSONValue {
        try JSONValue(parsing: Array(body.utf8))
    }

    /// `GET /api/v1/signals/{id}` as the signal's owner.
    static func fetch(_ client: TestClientProtocol, _ id: String, key: String) async throws -> (HTTPResponse.Status, JSONValue) {
        let (status, body) = try await client.execute(
            uri: "/api/v1/signals/\(id)", method: .get, headers: [.authorization: "Bearer \(key)"]
        ) { ($0.status, String(buffer: $0.body)) }
        return (status, try object(body))
    }

    @Test(
        "the seed's test signal (a direction, no action), sent as its curl does with the secret added: 201 with id, signal_id and request_id"
    )
    func seedTestSignal() async throws {
        try await WebhookTests.withIngest { client, database, _ in
            let key = try await UserStore(database: database, logger: TestServers.logger).createAPIKey(forUser: "alice").key
            let now = Date()
            let body = Self.seedTestSignal(timestamp: Self.seedDate(now), secret: WebhookTests.secret)
            let requestID = "seed-test-\(UUID().uuidString.lowercased())"
            let response = try await WebhookTests.post(
                client, "/webhook", body, contentType: "application/json", headers: [.requestID: requestID])
            #expect(response.status == .created, "\(response.body)")
            #expect(response.headers[.requestID] == requestID)
            let answer = try Self.object(response.body)
            #expect(answer["status"] == .string("accepted"))
            guard case .string(let id)? = answer["id"], UUID(uuidString: id) != nil else {
                Issue.record("no signal id in \(response.body)")
                return
            }
            #expect(answer["signal_id"] == .string(id))
            #expect(answer["request_id"] == .string(requestID))

            // Stored as a buy of the long, at the second the shell printed; the secret is not kept.
            let rows = try await database.query(
                "SELECT symbol, action, direction, timeframe, signal_time, raw::text FROM signals WHERE id = \(UUID(uuidString: id))")
            var stored: [(String, String, String?, String?, Date?, String)] = []
            for try await row in rows.decode((String, String, String?, String?, Date?, String).self) { stored.append(row) }
            #expect(stored.count == 1)
            #expect(stored.first?.0 == "SPY")
            #expect(stored.first?.1 == "buy")
            #expect(stored.first?.2 == "long")
            #expect(stored.first?.3 == "5m")
            #expect(stored.first?.4 == Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)))
            #expect(stored.first.map { !$0.5.contains(WebhookTests.secret) } == true)

            let (status, document) = try await Self.fetch(client, id, key: key)
            #expect(status == .ok)
            #expect(document["action"] == .string("buy"))
            #expect(document["direction"] == .string("long"))
            #expect(document["symbol"] == .string("SPY"))

            // The seed's client sends it again within the window: 200, duplicate, the first signal's id.
            let again = try await WebhookTests.post(client, "/webhook", body, contentType: "application/json")
            #expect(again.status == .ok, "\(again.body)")
            let duplicate = try Self.object(again.body)
            #expect(duplicate["status"] == .string("duplicate"))
            #expect(duplicate["signal_id"] == .string(id))
            #expect(try await database.count("SELECT count(*) FROM signals") == 1)
        }
    }

    @Test("the seed's test signal exactly as its curl sends it, unauthenticated, is 401 with a problem body saying how to authenticate")
    func unauthenticatedSeedExample() async throws {
        try await WebhookTests.withIngest { client, database, sourceID in
            let body = Self.seedTestSignal(timestamp: Self.seedDate(Date()))
            for uri in ["/webhook", "/webhook/\(sourceID)"] {
                let response = try await WebhookTests.post(client, uri, body, contentType: "application/json")
                #expect(response.status == .unauthorized, "\(uri): \(response.body)")
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(response.body.utf8))
                #expect(problem.status == 401)
                #expect(problem.detail?.contains(WebhookSignature.header) == true && problem.detail?.contains("secret") == true)
            }
            #expect(try await database.count("SELECT count(*) FROM signals") == 0)
        }
    }

    /// A TradingView alert written for the TradersPost bridge, as TradingView renders its template.
    static let bridgeBuy = #"""
        {
          "ticker": "COINBASE:BTCUSD",
          "action": "buy",
          "sentiment": "bullish",
          "quantity": "0.01",
          "signalPrice": 97000.5,
          "time": "2026-11-25T10:00:00Z",
          "interval": "15",
          "takeProfit": {"percent": 10},
          "stopLoss": {"amount": "250.25"},
          "secret": "\#(WebhookTests.secret)"
        }
        """#
    /// The short side, with the other relative exits.
    static let bridgeSell = #"""
        {"ticker":"BTCUSD","action":"sell","sentiment":"bearish","quantity":0.02,"signalPrice":"98000","time":1764064800123,
        "interval":"60","takeProfit":{"amount":1200},"stopLoss":{"percent":"1.5"},"secret":"\#(WebhookTests.secret)"}
        """#

    /// A dollar amount: the size as quote currency, stored as `notional` with no quantity.
    static let bridgeDollars = #"""
        {"ticker":"BTCUSD","action":"buy","quantity":"250.00","quantityType":"dollar_amount","secret":"\#(WebhookTests.secret)"}
        """#

    /// What each bridge signal is stored and published as: the fields as decimal strings, absent ones nil.
    static let expected: [(body: String, fields: [String: String?])] = [
        (
            bridgeBuy,
            [
                "symbol": "BTCUSD", "exchange": "COINBASE", "action": "buy", "sentiment": "long", "quantity": "0.01",
                "price": "97000.5", "orderType": "market", "timeframe": "15", "takeProfitPercent": "10",
                "stopLossAmount": "250.25", "takeProfitAmount": nil, "stopLossPercent": nil, "stopLoss": nil, "takeProfit": nil,
                "trailingStopPercent": nil, "direction": nil,
            ]
        ),
        (
            bridgeSell,
            [
                "symbol": "BTCUSD", "exchange": nil, "action": "sell", "sentiment": "short", "quantity": "0.02", "price": "98000",
                "orderType": "market", "timeframe": "60", "takeProfitAmount": "1200", "stopLossPercent": "1.5",
                "takeProfitPercent": nil, "stopLossAmount": nil, "stopLoss": nil, "takeProfit": nil, "trailingStopPercent": nil,
                "direction": nil, "notional": nil,
            ]
        ),
        (bridgeDollars, ["symbol": "BTCUSD", "action": "buy", "quantity": nil, "notional": "250", "sentiment": nil]),
    ]

    static func expectFields(_ json: JSONValue, _ fields: [String: String?], _ what: String) {
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            #expect(json[name] == value.map(JSONValue.string), "\(what): \(name)")
        }
    }

    @Test(
        "TradersPost-style alerts (sentiment, relative exits, signalPrice, time, interval) are stored, served by the API and published as sent"
    )
    func bridgeFormat() async throws {
        let redis = RedisClient(endpoint: try TestServers.redis)
        try await WebhookTests.withIngest { client, database, sourceID in
            let key = try await UserStore(database: database, logger: TestServers.logger).createAPIKey(forUser: "alice").key
            var ids: [String] = []
            for (body, _) in Self.expected {
                let response = try await WebhookTests.post(client, "/webhook/\(sourceID)", body)
                #expect(response.status == .created, "\(response.body)")
                ids.append(try WebhookTests.signalID(response.body))
            }
            try #require(ids.count == 3)

            // The columns of migration 20, and the price, timeframe and time taken from signalPrice, interval and time.
            var stored: [[String?]] = []
            var times: [Date?] = []
            for id in ids.prefix(2) {
                let rows = try await database.query(
                    """
                    SELECT sentiment, stop_loss_percent::text, stop_loss_amount::text, take_profit_percent::text,
                           take_profit_amount::text, price::text, timeframe, signal_time
                    FROM signals WHERE id = \(UUID(uuidString: id))
                    """)
                for try await row in rows.decode((String?, String?, String?, String?, String?, String?, String?, Date?).self) {
                    stored.append([row.0, row.1, row.2, row.3, row.4, row.5, row.6])
                    times.append(row.7)
                }
            }
            #expect(stored == [["long", nil, "250.25", "10", nil, "97000.5", "15"], ["short", "1.5", nil, nil, "1200", "98000", "60"]])
            // To the millisecond: Postgres keeps microseconds, and `Date` a binary fraction of them.
            #expect(times.map { $0?.epochMilliseconds } == [1_795_600_800_000, 1_764_064_800_123])

            for (id, (_, fields)) in zip(ids, Self.expected) {
                let (status, document) = try await Self.fetch(client, id, key: key)
                #expect(status == .ok)
                Self.expectFields(document, fields, "GET \(id)")
            }
            let listed = try await client.execute(
                uri: "/api/v1/signals?sourceId=\(sourceID)", method: .get, headers: [.authorization: "Bearer \(key)"]
            ) { String(buffer: $0.body) }
            #expect(listed.contains(#""takeProfitPercent":"10""#) && listed.contains(#""stopLossAmount":"250.25""#), "\(listed)")
            #expect(listed.contains(#""sentiment":"short""#) && listed.contains(#""takeProfitAmount":"1200""#), "\(listed)")

            let relay = OutboxRelay(database: database, producer: StreamProducer(client: redis), logger: TestServers.logger)
            #expect(try await relay.relayPending() == 6)
            let published = try await redis.entries(of: StreamName.signals)
            for (id, (_, fields)) in zip(ids, Self.expected) {
                let messages = published.filter { $0["data"]?.contains(id) == true }
                #expect(messages.count == 1, "signal \(id)")
                #expect(messages.first?["type"] == "signal.received")
                let data = try #require(messages.first?["data"])
                #expect(!data.contains(WebhookTests.secret))
                Self.expectFields(try Self.object(data), fields, "XRANGE \(id)")
                let message = try JSONCoding.decoder.decode(SignalDocument.self, from: Data(data.utf8))
                #expect(message.id.uuidString == id)
            }
        }
    }

    @Test("contradictions and exits that cannot be honoured are 400 with an RFC 9457 body naming the fields; nothing is stored")
    func refusedOverHTTP() async throws {
        let cases: [(fields: String, names: [String])] = [
            (#""symbol":"SPY","direction":"long","sentiment":"bearish","timeframe":"5m""#, ["sentiment", "direction"]),
            (#""symbol":"SPY","direction":"short","sentiment":"bullish""#, ["sentiment", "direction"]),
            (#""ticker":"BTCUSD","action":"exit","sentiment":"long""#, ["sentiment"]),
            (#""symbol":"SPY","timeframe":"5m","timestamp":"2026-02-05T12:00:00Z""#, ["action"]),
            (#""ticker":"BTCUSD","action":"buy","stopLoss":{"type":"stop_limit","stopPrice":95000,"limitPrice":94900}"#, ["stopLoss.type"]),
            (#""ticker":"BTCUSD","action":"buy","stopLoss":{"type":"trailing_stop","trailAmount":100}"#, ["stopLoss.trailAmount"]),
            (#""ticker":"BTCUSD","action":"buy","stopLoss":{"percent":5,"amount":250}"#, ["stopLoss"]),
            (#""ticker":"BTCUSD","action":"buy","stopLoss":{"foo":1}"#, ["stopLoss.foo"]),
            (#""ticker":"BTCUSD","action":"buy","stopLoss":{"percent":100}"#, ["stopLoss.percent"]),
            (
                #""ticker":"BTCUSD","action":"buy","stopLoss":{"type":"trailing_stop","trailPercent":2},"trailingStopPercent":2"#,
                ["trailingStopPercent"]
            ),
            (#""ticker":"BTCUSD","action":"buy","orderType":"limit","signalPrice":97000"#, ["price"]),
            (#""ticker":"BTCUSD","action":"buy","time":"yesterday""#, ["time"]),
            // PostgreSQL cannot store a NUL character, and the body is stored as sent: once a 500.
            (#""ticker":"BTCUSD","action":"buy","note":"a\u0000b""#, ["note"]),
            (#""ticker":"BTCUSD","action":"buy","quantity":1,"quantityType":"percent_of_equity""#, ["quantityType"]),
            (#""ticker":"SPY","action":"buy","optionType":"call","direction":"long""#, ["optionType", "direction"]),
        ]
        try await WebhookTests.withIngest { client, database, sourceID in
            for (fields, names) in cases {
                let body = #"{\#(fields),"secret":"\#(WebhookTests.secret)"}"#
                let response = try await WebhookTests.post(client, "/webhook/\(sourceID)", body)
                #expect(response.status == .badRequest, "\(fields): \(response.body)")
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(response.body.utf8))
                #expect(problem.status == 400)
                #expect(problem.title == "Bad Request")
                #expect(problem.invalidParams?.map(\.name) == names, "\(fields)")
                #expect(response.body.contains(#""invalid-params""#))
            }
            #expect(try await database.count("SELECT count(*) FROM signals") == 0)
        }
    }
}
