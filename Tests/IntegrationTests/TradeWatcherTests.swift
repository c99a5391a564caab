import BallastCore
import BallastMarket
import BallastRedis
import Foundation
import PostgresNIO
import Testing

@testable import BallastTrading

@Suite("Market trades fill resting orders, trigger exits and mark positions")
struct TradeWatcherTests {
    /// Trades of `symbol` at `prices` (quantity 1 unless given), ids from `firstID`, starting now.
    static func trades(_ symbol: String, _ prices: [(String, String)], firstID: UInt64 = 1) throws -> [StreamMessage] {
        let start = Date().epochMilliseconds + 10
        return try prices.enumerated().map { index, item in
            let trade = try Trade(
                symbol: symbol, price: FixedDecimal(item.0)!, quantity: FixedDecimal(item.1)!, side: .sell,
                id: TradeID(firstID + UInt64(index)),
                time: start + Int64(index))
            return StreamMessage(
                stream: StreamName.trades, entryID: "\(index)-0", envelope: TradeMessage.envelope(for: trade), deliveryCount: 1)
        }
    }

    @Test("a resting limit buy fills as trades cross it, as maker at its limit, partly then fully; a redelivery fills nothing more")
    func limitFills() async throws {
        try await PaperTradingFixture.with { fixture in
            _ = try await fixture.executor.execute(fixture.signal("buy", quantity: "1", orderType: "limit", price: "49000"))
            let watcher = TradeWatcher(database: fixture.database, logger: TestServers.logger)
            let messages = try Self.trades(fixture.symbol, [("49500", "1"), ("48900", "0.4"), ("48800", "2")])
            let results = await watcher.handle(messages)
            #expect(results.allSatisfy { if case .success = $0 { true } else { false } })

            #expect(try await fixture.strings("SELECT status FROM orders") == ["filled"])
            #expect(
                try await fixture.strings("SELECT quantity::text || ' ' || liquidity FROM fills ORDER BY market_trade_id") == [
                    "0.4 maker", "0.6 maker",
                ])
            #expect(try await fixture.decimal("SELECT average_entry_price FROM positions WHERE status = 'open'") == dec("49000"))
            // Maker fees: 0.4 × 49000 × 5 bps = 9.8 and 0.6 × 49000 × 5 bps = 14.7; the lock of 49049 is released.
            #expect(try await fixture.balance("USD") == Balance(asset: "USD", available: dec("50975.5"), locked: 0))
            #expect(try await fixture.balancesMatchLedger())

            _ = await watcher.handle(messages)
            #expect(try await fixture.database.count("SELECT count(*) FROM fills") == 2)
            #expect(try await fixture.balance("USD").available == dec("50975.5"))
        }
    }

    @Test("a stop loss crossed by a trade closes the position at that trade's price once; other trades mark it")
    func stopLoss() async throws {
        try await PaperTradingFixture.with { fixture in
            _ = try await fixture.executor.execute(fixture.signal("buy", quantity: "1", stopLoss: "49000", takeProfit: "52000"))
            let watcher = TradeWatcher(database: fixture.database, logger: TestServers.logger)
            _ = await watcher.handle(try Self.trades(fixture.symbol, [("51000", "1")]))
            #expect(try await fixture.decimal("SELECT mark_price FROM positions") == dec("51000"))
            #expect(try await fixture.decimal("SELECT unrealized_pnl FROM positions") == dec("975"))

            let falling = try Self.trades(fixture.symbol, [("49500", "1"), ("48950", "1"), ("48000", "1")], firstID: 10)
            _ = await watcher.handle(falling)
            #expect(try await fixture.strings("SELECT status || ' ' || close_reason FROM positions") == ["closed stop_loss"])
            // Sold at the crossing trade's 48950 less 5 bps of slippage.
            #expect(try await fixture.decimal("SELECT price FROM fills WHERE side = 'sell'") == dec("48925.525"))
            #expect(try await fixture.events().suffix(2) == ["order.filled", "position.closed"])

            _ = await watcher.handle(falling)
            #expect(try await fixture.database.count("SELECT count(*) FROM fills") == 2)
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("a gtd limit order expires when its time passes: status expired, its lock released once, order.expired and balance.unlocked")
    func expiry() async throws {
        try await PaperTradingFixture.with { fixture in
            var signal = fixture.signal("buy", quantity: "1", orderType: "limit", price: "40000")
            signal.timeInForce = "gtd"
            signal.expiresAt = Date().addingTimeInterval(60)
            _ = try await fixture.executor.execute(signal)
            #expect(try await fixture.balance("USD").locked == dec("40040"))

            let expiry = OrderExpiry(database: fixture.database, logger: TestServers.logger)
            #expect(try await expiry.expire(now: Date()) == 0)
            #expect(try await expiry.expire(now: Date().addingTimeInterval(61)) == 1)
            #expect(try await expiry.expire(now: Date().addingTimeInterval(62)) == 0)
            #expect(try await fixture.strings("SELECT status FROM orders") == ["expired"])
            #expect(try await fixture.balance("USD") == Balance(asset: "USD", available: dec("100000"), locked: 0))
            #expect(try await fixture.events() == ["order.created", "order.expired", "balance.unlocked"])
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("a trailing stop from the signal follows the best price and closes the position when the price falls that far from it")
    func trailingStop() async throws {
        try await PaperTradingFixture.with { fixture in
            var signal = fixture.signal("buy", quantity: "1")
            signal.trailingStopPercent = "5"
            _ = try await fixture.executor.execute(signal)
            #expect(try await fixture.decimal("SELECT trailing_stop_percent FROM positions") == dec("5"))
            #expect(try await fixture.decimal("SELECT best_price FROM positions") == dec("50025"))
            #expect(try await fixture.decimal("SELECT trailing_stop_percent FROM orders") == dec("5"))

            let watcher = TradeWatcher(database: fixture.database, logger: TestServers.logger)
            _ = await watcher.handle(try Self.trades(fixture.symbol, [("52000", "1")]))
            #expect(try await fixture.decimal("SELECT best_price FROM positions") == dec("52000"))
            // 5 % below 52000 is 49400: 49500 leaves it open, 49300 closes it at 49300 less 5 bps of slippage.
            _ = await watcher.handle(try Self.trades(fixture.symbol, [("49500", "1")], firstID: 10))
            #expect(try await fixture.strings("SELECT status FROM positions") == ["open"])
            _ = await watcher.handle(try Self.trades(fixture.symbol, [("49300", "1")], firstID: 20))
            #expect(try await fixture.strings("SELECT status || ' ' || close_reason FROM positions") == ["closed trailing_stop"])
            #expect(try await fixture.decimal("SELECT price FROM fills WHERE side = 'sell'") == dec("49275.35"))
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("a stop loss the account cannot pay to buy back fails with trade.failed, not again for a minute, and closes once funded")
    func unaffordableExit() async throws {
        try await PaperTradingFixture.with(allowShort: true) { fixture in
            _ = try await fixture.executor.execute(fixture.signal("sell", quantity: "1", stopLoss: "52000", takeProfit: "45000"))
            // The short brought 49975 less its fee; take nearly all cash away.
            try await fixture.accounts.fund(user: fixture.userName, asset: nil, amount: dec("-149000"))
            #expect(try await fixture.balance("USD").available == dec("925.025"))

            let watcher = TradeWatcher(database: fixture.database, logger: TestServers.logger)
            _ = await watcher.handle(try Self.trades(fixture.symbol, [("52100", "1")]))
            #expect(try await fixture.strings("SELECT status FROM positions") == ["open"])
            #expect(
                try await fixture.strings("SELECT status || ' ' || left(client_order_id, 5) FROM orders WHERE signal_id IS NULL") == [
                    "rejected exit-"
                ])
            #expect(try await fixture.events().filter { $0 == "trade.failed" }.count == 1)
            let failure = try await fixture.strings(
                "SELECT data FROM outbox WHERE type = 'trade.failed'")
            #expect(failure.first?.contains("stop_loss exit needs") == true)

            // Later trades do not fire the rule again.
            _ = await watcher.handle(try Self.trades(fixture.symbol, [("52200", "1")], firstID: 10))
            #expect(try await fixture.events().filter { $0 == "trade.failed" }.count == 1)
            #expect(try await fixture.database.count("SELECT count(*) FROM fills") == 1)

            let actions = AccountActions(database: fixture.database, prices: MarketPrices(redis: fixture.redis), logger: TestServers.logger)
            try await fixture.setPrice("52100")
            let positionID = try #require(UUID(uuidString: try await fixture.strings("SELECT id::text FROM positions")[0]))
            await #expect(throws: AccountActions.Failure.self) { try await actions.closePosition(positionID, user: fixture.userID) }

            // Funded, and a minute later (moved back here), the rule fires again and closes the short.
            try await fixture.accounts.fund(user: fixture.userName, asset: nil, amount: dec("100000"))
            try await fixture.database.query("UPDATE positions SET exit_failed_at = now() - interval '61 seconds'")
            _ = await watcher.handle(try Self.trades(fixture.symbol, [("52300", "1")], firstID: 20))
            #expect(try await fixture.strings("SELECT status || ' ' || close_reason FROM positions") == ["closed stop_loss"])
            #expect(try await fixture.events().filter { $0 == "trade.failed" }.count == 1)
            #expect(try await fixture.database.count("SELECT count(*) FROM orders WHERE client_order_id LIKE 'exit-%'") == 2)
            await #expect(throws: AccountActions.Failure.self) { try await actions.closePosition(positionID, user: fixture.userID) }
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("a resting sell that outlives its long is canceled with trade.failed instead of opening a short the account does not allow")
    func restingSellWithoutPosition() async throws {
        try await PaperTradingFixture.with { fixture in
            _ = try await fixture.executor.execute(fixture.signal("buy", quantity: "1", stopLoss: "49000"))
            _ = try await fixture.executor.execute(fixture.signal("sell", quantity: "1", orderType: "limit", price: "53000"))
            let base = String(fixture.symbol.dropLast(4))
            #expect(try await fixture.balance(base) == Balance(asset: base, available: 0, locked: 1))

            let watcher = TradeWatcher(database: fixture.database, logger: TestServers.logger)
            _ = await watcher.handle(try Self.trades(fixture.symbol, [("48900", "1")]))
            #expect(try await fixture.strings("SELECT status || ' ' || close_reason FROM positions") == ["closed stop_loss"])

            _ = await watcher.handle(try Self.trades(fixture.symbol, [("53100", "1")], firstID: 10))
            #expect(try await fixture.strings("SELECT status FROM orders WHERE type = 'limit'") == ["canceled"])
            #expect(try await fixture.database.count("SELECT count(*) FROM positions") == 1)
            #expect(try await fixture.balance(base) == Balance(asset: base, available: 0, locked: 0))
            #expect(try await fixture.events().suffix(3) == ["trade.failed", "order.canceled", "balance.unlocked"])
            #expect(try await fixture.balancesMatchLedger())
        }
    }
}
