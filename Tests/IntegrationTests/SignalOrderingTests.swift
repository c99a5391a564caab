import BallastCore
import BallastPostgres
import BallastRedis
import Foundation
import PostgresNIO
import Testing

@testable import BallastTrading
@testable import Ingest

/// A user's signals are decided in the order ingest accepted them (`SignalDocument.sequence`), whatever
/// fails, restarts or runs in parallel.
@Suite("A user's signals are decided in the order they were accepted")
struct SignalOrderingTests {
    /// Accepts `signals` of the fixture's user through ingest's `accept_signals`, and returns them as
    /// published on `ballast:signals` (with their sequence), in accept order.
    static func accept(_ signals: [SignalDocument], fixture: PaperTradingFixture) async throws -> [SignalDocument] {
        let source = try await ensureDefaultSource(fixture.database, user: fixture.userName, secret: "ordering-secret")
        var published: [SignalDocument] = []
        for var signal in signals {
            signal.sourceID = source
            let row = AcceptRow(
                document: signal, fingerprint: signal.fingerprint, raw: .object([]), window: .zero,
                signalMessageID: UUID().uuidString, eventMessageID: UUID().uuidString)
            #expect(try await AcceptStatement.run([row], on: fixture.database, logger: TestServers.logger) == [.accepted(signal.id)])
            let rows = try await fixture.database.query(
                "SELECT data FROM outbox WHERE stream = \(StreamName.signals) AND data LIKE \("%" + signal.id.uuidString + "%")")
            for try await data in rows.decode(String.self) {
                published.append(try JSONCoding.decoder.decode(SignalDocument.self, from: Data(data.utf8)))
            }
        }
        return published
    }

    static func message(_ signal: SignalDocument, entry: String) throws -> StreamMessage {
        let envelope = try Envelope(type: SignalConsumer.signalType, timestamp: signal.receivedAt, payload: signal)
        return StreamMessage(stream: StreamName.signals, entryID: entry, envelope: envelope, deliveryCount: 1)
    }

    static func consumer(_ fixture: PaperTradingFixture, prices: MarketPrices) -> SignalConsumer {
        let executor = SignalExecutor(database: fixture.database, prices: prices, settings: ExecutionSettings(), logger: TestServers.logger)
        return SignalConsumer(executor: executor, maxConcurrentUsers: 4, logger: TestServers.logger)
    }

    static func succeeded(_ results: [Result<Void, any Error>]) -> Bool {
        results.allSatisfy { if case .success = $0 { true } else { false } }
    }

    @Test("the first of two signals fails its batch (price read fails): the second's batch decides both, buy then sell")
    func firstBatchFails() async throws {
        try await PaperTradingFixture.with { fixture in
            let signals = try await Self.accept(
                [fixture.signal("buy", quantity: "1"), fixture.signal("sell", quantity: "1")], fixture: fixture)
            #expect(signals.map(\.sequence) == [1, 2])
            // Redis for prices is unreachable for the first batch: it fails and stays pending.
            let broken = MarketPrices(redis: RedisClient(endpoint: try RedisEndpoint(url: "redis://127.0.0.1:1", variable: "test")))
            #expect(!Self.succeeded(await Self.consumer(fixture, prices: broken).handle([try Self.message(signals[0], entry: "1-0")])))
            #expect(try await fixture.database.count("SELECT count(*) FROM signal_decisions") == 0)

            let healthy = Self.consumer(fixture, prices: MarketPrices(redis: fixture.redis))
            #expect(Self.succeeded(await healthy.handle([try Self.message(signals[1], entry: "2-0")])))
            #expect(try await fixture.strings("SELECT status FROM signal_decisions") == ["accepted", "accepted"])
            #expect(try await fixture.strings("SELECT status || ' ' || quantity::text FROM positions") == ["closed 0"])

            // The first is delivered again (reclaimed): already decided, nothing changes.
            #expect(Self.succeeded(await healthy.handle([try Self.message(signals[0], entry: "1-0")])))
            #expect(try await fixture.database.count("SELECT count(*) FROM signal_decisions") == 2)
            #expect(try await fixture.database.count("SELECT count(*) FROM orders") == 2)
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("two instances deciding a user's signals at once, in opposite stream order, decide them in accept order once")
    func concurrentInstances() async throws {
        try await PaperTradingFixture.with { fixture in
            let signals = try await Self.accept(
                [fixture.signal("buy", quantity: "0.5"), fixture.signal("buy", quantity: "0.5"), fixture.signal("sell", quantity: "1")],
                fixture: fixture)
            let first = Self.consumer(fixture, prices: MarketPrices(redis: fixture.redis))
            let second = Self.consumer(fixture, prices: MarketPrices(redis: fixture.redis))
            let reversed = try signals.reversed().enumerated().map { try Self.message($1, entry: "\($0)-0") }
            let inOrder = try signals.enumerated().map { try Self.message($1, entry: "\($0)-1") }
            async let one = first.handle(reversed)
            async let other = second.handle(inOrder)
            let results = await (one, other)
            #expect(Self.succeeded(results.0) && Self.succeeded(results.1))
            #expect(try await fixture.database.count("SELECT count(*) FROM signal_decisions WHERE status = 'accepted'") == 3)
            #expect(try await fixture.strings("SELECT status FROM positions") == ["closed"])
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("a number whose signal no longer exists is passed over and recorded; the signals after it are decided")
    func missingSignalPassed() async throws {
        try await PaperTradingFixture.with { fixture in
            let signals = try await Self.accept(
                [fixture.signal("buy", quantity: "0.5"), fixture.signal("buy", quantity: "0.5"), fixture.signal("buy", quantity: "0.5")],
                fixture: fixture)
            try await fixture.database.query("DELETE FROM signals WHERE id = \(signals[1].id)")
            let outcomes = try await fixture.executor.execute(user: fixture.userID, [signals[2]])
            #expect(outcomes.allSatisfy { if case .ordered = $0 { true } else { false } }, "\(outcomes)")
            #expect(try await fixture.database.count("SELECT count(*) FROM signal_decisions WHERE status = 'accepted'") == 2)
            #expect(try await fixture.strings("SELECT first_sequence || '-' || last_sequence FROM signal_sequence_gaps") == ["2-2"])

            // Its message still comes: acting on it now would reorder the user's signals.
            let late = try await fixture.executor.execute(signals[1])
            guard case .rejected(let reasons) = late else {
                Issue.record("expected a rejection, got \(late)")
                return
            }
            #expect(reasons.map(\.rule) == ["out_of_sequence"])
            #expect(try await fixture.executor.execute(signals[1]) == .alreadyDecided)
        }
    }

    @Test("signals of one user in one batch, delivered in reverse, are decided in sequence order")
    func reversedBatch() async throws {
        try await PaperTradingFixture.with { fixture in
            let signals = try await Self.accept(
                [fixture.signal("buy", quantity: "0.5"), fixture.signal("buy", quantity: "0.5"), fixture.signal("sell", quantity: "1")],
                fixture: fixture)
            let outcomes = try await fixture.executor.execute(user: fixture.userID, signals.reversed())
            #expect(outcomes.allSatisfy { if case .ordered = $0 { true } else { false } }, "\(outcomes)")
            #expect(try await fixture.strings("SELECT status FROM positions") == ["closed"])
        }
    }

    @Test("ingest numbers each user's accepted signals 1, 2, 3 in accept order; a duplicate takes no number")
    func acceptNumbersSignals() async throws {
        try await WebhookTests.withIngest(window: 0) { client, database, sourceID in
            for (index, action) in ["buy", "sell", "buy", "buy"].enumerated() {
                let id = index == 3 ? "dup-2" : "alert-\(index)"
                let alert = #"{"id":"\#(id)","ticker":"BTC-USD","action":"\#(action)","secret":"\#(WebhookTests.secret)"}"#
                let response = try await WebhookTests.post(client, "/webhook/\(sourceID)", alert)
                #expect(response.status == .created, "\(response.body)")
                if index == 2 {
                    let again = try await WebhookTests.post(
                        client, "/webhook/\(sourceID)",
                        #"{"id":"alert-2","ticker":"BTC-USD","action":"buy","secret":"\#(WebhookTests.secret)"}"#)
                    #expect(again.status == .ok, "\(again.body)")
                }
            }
            let rows = try await database.query(
                "SELECT data FROM outbox WHERE stream = \(StreamName.signals) ORDER BY id")
            var sequences: [Int64?] = []
            for try await data in rows.decode(String.self) {
                sequences.append(try JSONCoding.decoder.decode(SignalDocument.self, from: Data(data.utf8)).sequence)
            }
            #expect(sequences == [1, 2, 3, 4])
            #expect(try await database.count("SELECT count(*) FROM signal_numbers") == 4)
        }
    }
}
