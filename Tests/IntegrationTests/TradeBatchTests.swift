import BallastCore
import BallastMarket
import BallastRedis
import Foundation
import PostgresNIO
import Testing

@testable import BallastTrading

/// What one delivered batch of `ballast:trades` does when it holds repeats, or trades of a symbol that
/// cannot be applied: the rest of the batch is booked and acknowledged.
@Suite("A batch of market trades with repeats or a failing symbol")
struct TradeBatchTests {
    @Test("a market trade repeated inside one delivered batch fills the resting order once and the batch succeeds")
    func repeatedTradeInOneBatch() async throws {
        try await PaperTradingFixture.with { fixture in
            _ = try await fixture.executor.execute(fixture.signal("buy", quantity: "1", orderType: "limit", price: "49000"))
            let watcher = TradeWatcher(database: fixture.database, logger: TestServers.logger)
            let trade = try TradeWatcherTests.trades(fixture.symbol, [("48900", "0.4")], firstID: 7)[0]
            var repeated = trade
            repeated.entryID = "1-0"
            let results = await watcher.handle([trade, repeated])

            #expect(results.allSatisfy { if case .success = $0 { true } else { false } }, "\(results)")
            #expect(try await fixture.strings("SELECT quantity::text || ' ' || market_trade_id FROM fills") == ["0.4 7"])
            #expect(try await fixture.strings("SELECT status FROM orders") == ["partially_filled"])
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("venue trade ids as text (Kraken's, UUIDs) fill a resting order once each, stored and shown as sent")
    func textTradeIDs() async throws {
        try await PaperTradingFixture.with { fixture in
            _ = try await fixture.executor.execute(fixture.signal("buy", quantity: "1", orderType: "limit", price: "49000"))
            let watcher = TradeWatcher(database: fixture.database, logger: TestServers.logger)
            let start = Date().epochMilliseconds + 10
            let ids = ["TQK7X2-ABCDE-ZZZ9Q1", "550e8400-e29b-41d4-a716-446655440000"]
            let messages = try ids.enumerated().map { index, id in
                let trade = try Trade(
                    symbol: fixture.symbol, price: FixedDecimal("48900")!, quantity: FixedDecimal("0.3")!, side: .sell, id: TradeID(id),
                    time: start + Int64(index))
                return StreamMessage(
                    stream: StreamName.trades, entryID: "\(index)-0", envelope: TradeMessage.envelope(for: trade), deliveryCount: 1)
            }
            #expect(await watcher.handle(messages).allSatisfy { if case .success = $0 { true } else { false } })
            // Delivered again: each trade finds its fill.
            #expect(await watcher.handle(messages).allSatisfy { if case .success = $0 { true } else { false } })

            #expect(
                try await fixture.strings("SELECT quantity::text || ' ' || market_trade_id FROM fills ORDER BY market_trade_id") == [
                    "0.3 550e8400-e29b-41d4-a716-446655440000", "0.3 TQK7X2-ABCDE-ZZZ9Q1",
                ])
            let rows = try await fixture.database.query("SELECT \(unescaped: FillRecord.columns) FROM fills ORDER BY market_trade_id")
            var views: [String] = []
            for try await row in rows.decode(FillRecord.Row.self) {
                let json = String(decoding: try JSONEncoder().encode(FillView(try FillRecord(row: row))), as: UTF8.self)
                views.append(json)
            }
            #expect(views.count == 2)
            #expect(views.first?.contains(#""marketTradeId":"550e8400-e29b-41d4-a716-446655440000""#) == true, "\(views)")
            #expect(views.last?.contains(#""marketTradeId":"TQK7X2-ABCDE-ZZZ9Q1""#) == true, "\(views)")
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("one symbol whose trades cannot be applied fails only its own messages; the other symbol's fills commit and succeed")
    func failingSymbolIsolated() async throws {
        try await PaperTradingFixture.with { fixture in
            let other = "Q\(UUID().uuidString.prefix(8).uppercased())-USD"
            try await fixture.database.query("INSERT INTO market_symbols (symbol) VALUES (\(other))")
            _ = try await fixture.redis.pipeline([
                RedisCommand("SET", MarketKeys.price(other), "50000"),
                RedisCommand("SET", MarketKeys.priceTime(other), String(Date().epochMilliseconds)),
            ])
            _ = try await fixture.executor.execute(fixture.signal("buy", quantity: "1", orderType: "limit", price: "49000"))
            _ = try await fixture.executor.execute(
                fixture.signal("buy", quantity: "1", symbol: other, orderType: "limit", price: "49000"))
            // Every fill of the fixture's symbol is refused, as a broken row or constraint would refuse it.
            try await Self.refuseFills(when: "NEW.symbol = '\(fixture.symbol)'", in: fixture.database)
            let watcher = TradeWatcher(database: fixture.database, logger: TestServers.logger)
            let failing = try TradeWatcherTests.trades(fixture.symbol, [("48900", "1")], firstID: 1)
            var healthy = try TradeWatcherTests.trades(other, [("48900", "1")], firstID: 2)
            healthy[0].entryID = "1-0"
            let results = await watcher.handle(failing + healthy)

            #expect(results.count == 2)
            #expect(results.first.map { if case .failure = $0 { true } else { false } } == true)
            #expect(results.last.map { if case .success = $0 { true } else { false } } == true)
            #expect(
                try await fixture.strings("SELECT symbol || ' ' || status FROM orders ORDER BY symbol")
                    == [
                        "\(fixture.symbol) new", "\(other) filled",
                    ].sorted())
        }
    }

    @Test("an order of a symbol that cannot be filled does not keep that symbol's stop loss from firing")
    func failingOrderDoesNotBlockExits() async throws {
        try await PaperTradingFixture.with { fixture in
            _ = try await fixture.executor.execute(fixture.signal("buy", quantity: "0.5", stopLoss: "49000"))
            _ = try await fixture.executor.execute(
                fixture.signal("buy", quantity: "0.1", orderType: "limit", price: "48000", strategy: "dip"))
            // The resting order's maker fill is refused; the exit's taker fill is not.
            try await Self.refuseFills(when: "NEW.liquidity = 'maker'", in: fixture.database)
            let watcher = TradeWatcher(database: fixture.database, logger: TestServers.logger)
            let results = await watcher.handle(try TradeWatcherTests.trades(fixture.symbol, [("47900", "1")], firstID: 3))

            #expect(results.first.map { if case .failure = $0 { true } else { false } } == true)
            #expect(try await fixture.strings("SELECT strategy || ' ' || status FROM positions ORDER BY strategy") == [" closed"])
            #expect(try await fixture.strings("SELECT status FROM orders WHERE type = 'limit'") == ["new"])
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    /// Makes the fixture's database refuse every fill matching `condition`, as a broken row or a violated
    /// constraint would (the condition is the test's own text).
    static func refuseFills(when condition: String, in database: PostgresClient) async throws {
        try await database.query(
            """
            CREATE FUNCTION refuse_fill() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'fill refused by the test'; END $$
            """)
        try await database.query(
            "CREATE TRIGGER refuse_fill BEFORE INSERT ON fills FOR EACH ROW WHEN (\(unescaped: condition)) EXECUTE FUNCTION refuse_fill()")
    }
}
