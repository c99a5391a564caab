import BallastCore
import BallastPostgres
import BallastRedis
import Foundation
import PostgresNIO
import Testing

@testable import SignalProcessor

/// A user's signals are decided in the order ingest accepted them (`SignalDocument.sequence`), whatever
/// fails, restarts or runs in parallel.
@Suite("A user's signals are decided in the order they were accepted")
struct SignalOrderingTests {
    static func message(_ signal: SignalDocument, entry: String) throws -> StreamMessage {
        let envelope = try Envelope(
            id: UUID().uuidString.lowercased(), type: SignalConsumer.signalType, timestamp: signal.receivedAt, payload: signal)
        return StreamMessage(stream: StreamName.signals, entryID: entry, envelope: envelope, deliveryCount: 1)
    }

    static func consumer(_ fixture: PaperTradingFixture, prices: MarketPrices) -> SignalConsumer {
        let executor = SignalExecutor(database: fixture.database, prices: prices, settings: ExecutionSettings(), logger: TestServers.logger)
        return SignalConsumer(executor: executor, maxConcurrentUsers: 4, logger: TestServers.logger)
    }

    @Test("the first of two signals fails its batch (price read fails): the second waits, and both are decided in order")
    func firstBatchFails() async throws {
        try await PaperTradingFixture.with { fixture in
            var buy = fixture.signal("buy", quantity: "1")
            buy.sequence = 1
            var sell = fixture.signal("sell", quantity: "1")
            sell.sequence = 2
            // Redis for prices is unreachable for the first batch: it fails and stays pending.
            let broken = MarketPrices(redis: RedisClient(endpoint: try RedisEndpoint(url: "redis://127.0.0.1:1", variable: "test")))
            let failing = await Self.consumer(fixture, prices: broken).handle([try Self.message(buy, entry: "1-0")])
            #expect(failing.allSatisfy { if case .failure = $0 { true } else { false } })

            let healthy = Self.consumer(fixture, prices: MarketPrices(redis: fixture.redis))
            let second = await healthy.handle([try Self.message(sell, entry: "2-0")])
            #expect(second.allSatisfy { if case .success = $0 { true } else { false } }, "\(second)")
            #expect(try await fixture.database.count("SELECT count(*) FROM signal_decisions") == 0)

            // The first is delivered again (reclaimed): both are decided, buy then sell.
            let retried = await healthy.handle([try Self.message(buy, entry: "1-0")])
            #expect(retried.allSatisfy { if case .success = $0 { true } else { false } }, "\(retried)")
            #expect(
                try await fixture.strings("SELECT status FROM signal_decisions ORDER BY decided_at, signal_id") == ["accepted", "accepted"])
            #expect(try await fixture.strings("SELECT status || ' ' || quantity::text FROM positions") == ["closed 0"])
            #expect(try await fixture.database.count("SELECT count(*) FROM held_signals") == 0)
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("a signal whose predecessor never arrives is decided after the wait, the hole is recorded, and the late one is rejected")
    func gapPassedAfterWait() async throws {
        try await PaperTradingFixture.with { fixture in
            var lost = fixture.signal("buy", quantity: "1")
            lost.sequence = 1
            var next = fixture.signal("buy", quantity: "0.5")
            next.sequence = 2
            #expect(try await fixture.executor.execute(user: fixture.userID, [next]) == [.held])
            #expect(try await fixture.executor.usersWithOverdueGaps(wait: .seconds(3600)).isEmpty)

            try await fixture.executor.passGap(user: fixture.userID)
            #expect(try await fixture.strings("SELECT status FROM signal_decisions WHERE signal_id = \(next.id)") == ["accepted"])
            #expect(try await fixture.strings("SELECT first_sequence || '-' || last_sequence FROM signal_sequence_gaps") == ["1-1"])

            let late = try await fixture.executor.execute(lost)
            guard case .rejected(let reasons) = late else {
                Issue.record("expected a rejection, got \(late)")
                return
            }
            #expect(reasons.map(\.rule) == ["out_of_sequence"])
            #expect(try await fixture.executor.execute(lost) == .alreadyDecided)
        }
    }

    @Test("signals of one user in one batch, delivered in reverse, are decided in sequence order")
    func reversedBatch() async throws {
        try await PaperTradingFixture.with { fixture in
            var signals = (1...3).map { number in
                var signal = fixture.signal(number == 3 ? "sell" : "buy", quantity: number == 3 ? "1" : "0.5")
                signal.sequence = Int64(number)
                return signal
            }
            signals.reverse()
            let outcomes = try await fixture.executor.execute(user: fixture.userID, signals)
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
                #expect(response.status == .created || response.status == .ok, "\(response.body)")
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
        }
    }
}
