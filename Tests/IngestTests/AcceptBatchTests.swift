import BallastCore
import Foundation
import Testing

@testable import Ingest

@Suite("Batching webhook accepts")
struct AcceptBatchTests {
    static let source = UUID()
    static let otherSource = UUID()

    static func row(source: UUID = source, clientID: String?, price: String, window: Duration = .seconds(60)) -> AcceptRow {
        let document = SignalDocument(
            id: UUID.random(), sourceID: source, userID: UUID(), clientID: clientID, exchange: nil, symbol: "BTCUSDT",
            action: "buy", direction: nil, quantity: nil, price: price, orderType: "market", stopLoss: nil,
            takeProfit: nil, timeframe: nil, strike: nil, expiration: nil, strategy: nil, comment: nil,
            timestamp: nil, receivedAt: Date(timeIntervalSince1970: 1_764_000_000)
        )
        return AcceptRow(
            document: document, fingerprint: "BTCUSDT|buy|\(price)", raw: .object([]), window: window,
            signalMessageID: "s", eventMessageID: "e"
        )
    }

    @Test("a repeated client id, or the same content of signals without one, follows the first row; other sources do not")
    func plan() {
        let rows = [
            Self.row(clientID: "a", price: "1"),
            Self.row(clientID: "a", price: "2"),  // same client id
            Self.row(clientID: nil, price: "1"),  // same content as row 0, which has an id: not a duplicate
            Self.row(clientID: "b", price: "3"),
            Self.row(source: Self.otherSource, clientID: "a", price: "1"),  // another source
            Self.row(clientID: nil, price: "1"),  // same content as row 2, neither has an id
        ]
        let plan = AcceptStatement.BatchPlan(rows)
        #expect(plan.leaders == [0, 2, 3, 4])
        #expect(plan.followers.map(\.follower) == [1, 5])
        #expect(plan.followers.map(\.leader) == [0, 2])
    }

    /// One batch, as `(client id, price)` rows of one source, and the row each one repeats (nil: it is new).
    struct DuplicateRuleCase: CustomTestStringConvertible, Sendable {
        var rule: String
        var rows: [(clientID: String?, price: String)]
        var repeats: [Int?]
        var testDescription: String { rule }
    }

    static let duplicateRule: [DuplicateRuleCase] = [
        .init(
            rule: "distinct client ids, same content: three signals (pyramiding, DCA)",
            rows: [("a-1", "1"), ("a-2", "1"), ("a-3", "1")], repeats: [nil, nil, nil]),
        .init(rule: "the same client id twice: the second repeats the first", rows: [("a-1", "1"), ("a-1", "1")], repeats: [nil, 0]),
        .init(
            rule: "the same client id with other content: still the first signal",
            rows: [("a-1", "1"), ("a-1", "2")], repeats: [nil, 0]),
        .init(rule: "no client id, same content: a duplicate within the window", rows: [(nil, "1"), (nil, "1")], repeats: [nil, 0]),
        .init(rule: "no client id, other content: two signals", rows: [(nil, "1"), (nil, "2")], repeats: [nil, nil]),
        .init(
            rule: "no client id, same content as a signal that had one: the window applies among id-less signals only",
            rows: [("a-1", "1"), (nil, "1"), (nil, "1")], repeats: [nil, nil, 1]),
        .init(
            rule: "a client id, same content as an id-less signal: the id decides",
            rows: [(nil, "1"), ("a-1", "1")], repeats: [nil, nil]),
    ]

    @Test("in one batch, a client id alone decides; the content decides only between signals without one", arguments: duplicateRule)
    func duplicateRuleInBatch(_ example: DuplicateRuleCase) {
        let plan = AcceptStatement.BatchPlan(example.rows.map { Self.row(clientID: $0.clientID, price: $0.price) })
        var repeats = [Int?](repeating: nil, count: example.rows.count)
        for (follower, leader) in plan.followers { repeats[follower] = leader }
        #expect(repeats == example.repeats)
        #expect(plan.leaders == example.repeats.indices.filter { example.repeats[$0] == nil })
    }

    @Test("with the duplicate window at 0, the same content is not a duplicate, the same client id still is")
    func closedWindow() {
        let rows = [
            Self.row(clientID: nil, price: "1", window: .zero),
            Self.row(clientID: nil, price: "1", window: .zero),
            Self.row(clientID: "x", price: "1", window: .zero),
            Self.row(clientID: "x", price: "2", window: .zero),
        ]
        let plan = AcceptStatement.BatchPlan(rows)
        #expect(plan.leaders == [0, 1, 2])
        #expect(plan.followers.map(\.follower) == [3])
    }

    @Test("only signals without a client id, with the window open, take the content lock")
    func contentLock() {
        #expect(Self.row(clientID: nil, price: "1").isDecidedByContent)
        #expect(!Self.row(clientID: "a-1", price: "1").isDecidedByContent)
        #expect(!Self.row(clientID: nil, price: "1", window: .zero).isDecidedByContent)
    }

    @Test("the batch is one JSON array whose documents are embedded as JSON, not as strings")
    func batchJSON() throws {
        let rows = [Self.row(clientID: "a\"b", price: "1.50"), Self.row(clientID: nil, price: "2")]
        let text = AcceptStatement.batchJSON(rows)
        let json = try JSONValue(parsing: Array(text.utf8))
        guard case .array(let elements) = json else {
            Issue.record("not an array: \(text)")
            return
        }
        #expect(elements.count == 2)
        #expect(elements[0]["n"] == .number("0"))
        #expect(elements[0]["client_id"] == .string("a\"b"))
        #expect(elements[1]["client_id"] == .null)
        #expect(elements[0]["signal_data"]?["price"] == .string("1.50"))
        #expect(elements[0]["event_data"]?["event"] == .string("signal.received"))
        #expect(elements[0]["event_data"]?["data"] == elements[0]["signal_data"])
        #expect(elements[0]["window_seconds"] == .number("60"))
    }

    @Test("the hand-written document JSON is the Codable one: it decodes back to the same document")
    func documentJSON() throws {
        var document = Self.row(clientID: "line\nbreak \u{1} \\ \"quoted\"", price: "0.000000001").document
        document.comment = "ünïcödé ✓"
        document.timestamp = Date(timeIntervalSince1970: 1_764_000_000.123)
        let decoded = try JSONCoding.decoder.decode(SignalDocument.self, from: Data(document.jsonText.utf8))
        #expect(decoded == document)
        let encoded = String(decoding: try JSONCoding.encoder.encode(document), as: UTF8.self)
        #expect(encoded == document.jsonText)
    }

    @Test("with the order fields set, the hand-written document JSON is still the Codable one")
    func documentJSONWithOrderFields() throws {
        var document = Self.row(clientID: "c", price: "1").document
        document.timeframe = "15"
        document.timestamp = Date(timeIntervalSince1970: 1_764_000_000.123)
        document.timeInForce = "gtd"
        document.expiresAt = Date(timeIntervalSince1970: 1_764_100_000.456)
        document.trailingStopPercent = "2.5"
        document.expiration = "2026-12"
        let decoded = try JSONCoding.decoder.decode(SignalDocument.self, from: Data(document.jsonText.utf8))
        #expect(decoded == document)
        let encoded = String(decoding: try JSONCoding.encoder.encode(document), as: UTF8.self)
        #expect(encoded == document.jsonText)
        #expect(document.jsonText.contains(#""expiresAt":"2025-11-25T19:46:40.456Z""#))
        #expect(document.jsonText.contains(#""takeProfit"#) == false)
        #expect(document.jsonText.contains(#""timeInForce":"gtd","timeframe":"15","timestamp""#))
        #expect(document.jsonText.contains(#""trailingStopPercent":"2.5","userId""#))
    }

    @Test("the batch row carries the order fields as their columns, null when absent")
    func batchJSONOrderFields() throws {
        var row = Self.row(clientID: nil, price: "1")
        row.document.timeInForce = "gtd"
        row.document.expiresAt = Date(timeIntervalSince1970: 1_764_100_000.456)
        row.document.trailingStopPercent = "0.75"
        let text = AcceptStatement.batchJSON([row, Self.row(clientID: nil, price: "2")])
        guard case .array(let elements) = try JSONValue(parsing: Array(text.utf8)), elements.count == 2 else {
            Issue.record("not an array of 2: \(text)")
            return
        }
        #expect(elements[0]["time_in_force"] == .string("gtd"))
        #expect(elements[0]["expires_at"] == .string("2025-11-25T19:46:40.456Z"))
        #expect(elements[0]["trailing_stop_percent"] == .string("0.75"))
        #expect(elements[0]["signal_data"]?["trailingStopPercent"] == .string("0.75"))
        #expect(elements[1]["time_in_force"] == .null)
        #expect(elements[1]["expires_at"] == .null)
        #expect(elements[1]["trailing_stop_percent"] == .null)
    }

    @Test("the document's fingerprint is the signal's")
    func fingerprint() throws {
        let json = """
            {"ticker":"BINANCE:BTCUSDT","action":"Buy","direction":"long","size":"0.010","price":1e2,"stopLoss":"90",
            "takeProfit":110,"timeframe":"15","strike":"5","expiration":"2026-12","strategy":"s","timeInForce":"GTD",
            "expiresAt":"2099-01-01T00:00:00.5+01:00","trailingStopPercent":"3.50"}
            """
        let signal = try SignalParser.parse(try JSONValue(parsing: Array(json.utf8)))
        let source = SignalSource(id: Self.source, userID: UUID(), name: "n", secret: Secret("s"), isDefault: false)
        let document = SignalDocument(id: UUID(), source: source, signal: signal, receivedAt: Date())
        #expect(document.fingerprint == signal.fingerprint)
        #expect(document.fingerprint.hasSuffix("|gtd|2098-12-31T23:00:00.500Z|3.5"))
    }
}
