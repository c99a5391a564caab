import BallastCore
import BallastPostgres
import Foundation
import PostgresNIO
import Testing

@testable import BallastTrading

@Suite("Program market orders on a locked paper account, booked as a signal's fills are")
struct LockedAccountTests {
    static let logger = TestServers.logger

    /// Places `tickets` at `reference` on the fixture's account in one transaction and writes them.
    static func place(
        _ fixture: PaperTradingFixture, _ tickets: [MarketOrderTicket], reference: Decimal, quantityDecimals: Int = 8, now: Date = Date()
    ) async throws -> [MarketOrderResult] {
        let accountID = try await fixture.accountID
        return try await fixture.database.transaction(logger: logger) { connection in
            var locked = try #require(try await LockedAccount.lock(id: accountID, on: connection, logger: logger))
            var results: [MarketOrderResult] = []
            for ticket in tickets {
                results.append(try locked.placeMarketOrder(ticket, reference: reference, quantityDecimals: quantityDecimals, now: now))
            }
            try await locked.write()
            return results
        }
    }

    static func ticket(
        _ fixture: PaperTradingFixture, _ side: OrderSide, _ quantity: String, id: String = UUID().uuidString,
        strategy: String = "rebalance"
    ) -> MarketOrderTicket {
        MarketOrderTicket(clientOrderID: id, symbol: fixture.symbol, side: side, quantity: dec(quantity), strategy: strategy)
    }

    static func base(_ fixture: PaperTradingFixture) -> String { String(fixture.symbol.dropLast(4)) }

    @Test("a buy the cash cannot pay is cut to what it can pay, fee counted; cash stays at or above 0, to the unit")
    func buyReducedToCash() async throws {
        try await PaperTradingFixture.with(cash: 1_000) { fixture in
            let results = try await Self.place(fixture, [Self.ticket(fixture, .buy, "20")], reference: dec("100"))
            let result = try #require(results.first)
            // 100 + 5 bps = 100.05; 1000 ÷ (100.05 × 1.001) = 9.98501748…; notional 999.00099888 (up), fee 0.999001 (up).
            #expect(result.status == .filled)
            #expect(result.requestedQuantity == dec("20"))
            #expect(result.filledQuantity == dec("9.98501748"))
            #expect(result.price == dec("100.05"))
            #expect(result.fee == dec("0.999001"))
            #expect(result.value == dec("999.99999988"))
            #expect(result.reason?.contains("reduced from 20") == true)
            #expect(try await fixture.balance("USD").available == dec("0.00000012"))
            #expect(try await fixture.balance(Self.base(fixture)).available == dec("9.98501748"))
            #expect(try await fixture.decimal("SELECT quantity FROM orders") == dec("9.98501748"))
            #expect(try await fixture.strings("SELECT status FROM orders") == ["filled"])
            #expect(try await fixture.decimal("SELECT fee FROM fills") == dec("0.999001"))
            #expect(try await fixture.balancesMatchLedger())

            // Another buy: one unit more than the 0.00000012 pays is refused, one that it pays goes through.
            let second = try await Self.place(fixture, [Self.ticket(fixture, .buy, "1")], reference: dec("0.0000001"))
            // 0.0000001 + 5 bps rounds up to 0.00000011; 1 costs 0.00000011 + fee 0.00000001 (rounded up) = 0.00000012.
            #expect(second.first?.filledQuantity == dec("1"))
            #expect(try await fixture.balance("USD").available == 0)
            let third = try await Self.place(fixture, [Self.ticket(fixture, .buy, "1")], reference: dec("100"))
            #expect(third.first?.status == .rejected)
            #expect(try await fixture.balance("USD").available == 0)
        }
    }

    @Test("a sell of more than is held sells what is held and closes the position; with nothing held it is a rejected order")
    func sellReducedToHolding() async throws {
        try await PaperTradingFixture.with(cash: 100_000) { fixture in
            _ = try await Self.place(fixture, [Self.ticket(fixture, .buy, "1.5")], reference: dec("50000"))
            let sold = try #require(try await Self.place(fixture, [Self.ticket(fixture, .sell, "4")], reference: dec("51000")).first)
            // 51000 − 5 bps = 50974.5; 1.5 × 50974.5 = 76461.75, fee 76.46175.
            #expect(sold.status == .filled && sold.filledQuantity == dec("1.5") && sold.price == dec("50974.5"))
            #expect(sold.fee == dec("76.46175") && sold.value == dec("76385.28825"))
            #expect(try await fixture.balance(Self.base(fixture)).available == 0)
            // 100000 − (75037.5 + 75.0375) + 76461.75 − 76.46175
            #expect(try await fixture.balance("USD").available == dec("101272.75075"))
            #expect(try await fixture.strings("SELECT status FROM positions") == ["closed"])
            #expect(try await fixture.decimal("SELECT realized_pnl FROM positions") == dec("1272.75075"))

            let none = try #require(try await Self.place(fixture, [Self.ticket(fixture, .sell, "1")], reference: dec("51000")).first)
            #expect(none.status == .rejected && none.filledQuantity == 0 && none.fee == 0 && none.value == 0 && none.price == nil)
            let stored = try await fixture.strings(
                "SELECT status || ' ' || quantity || ' ' || coalesce(reason, '') FROM orders WHERE id = \(try #require(none.orderID))")
            #expect(stored == ["rejected 1 \(none.reason ?? "?")"])
            #expect(try await fixture.balance("USD").available == dec("101272.75075"))
            #expect(try await fixture.database.count("SELECT count(*) FROM fills") == 2)
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("a ticket for nothing at all (quantity 0, or less than a lot) is a rejected order and the transaction still writes")
    func zeroQuantity() async throws {
        try await PaperTradingFixture.with(cash: 1_000) { fixture in
            let results = try await Self.place(
                fixture,
                [
                    Self.ticket(fixture, .buy, "0", id: "zero"), Self.ticket(fixture, .buy, "0.000000001", id: "dust"),
                    Self.ticket(fixture, .buy, "1", id: "one"),
                ], reference: dec("100"))
            #expect(results.map(\.status) == [.rejected, .rejected, .filled])
            #expect(results.map(\.filledQuantity) == [0, 0, 1])
            // An order of 0 cannot be stored (`orders.quantity > 0`): its rejection has no order row.
            #expect(results[0].orderID == nil && results[1].orderID != nil)
            #expect(
                try await fixture.strings(
                    "SELECT client_order_id || ' ' || status || ' ' || quantity FROM orders ORDER BY client_order_id")
                    == ["dust rejected 0.000000001", "one filled 1"])
            #expect(try await fixture.database.count("SELECT count(*) FROM fills") == 1)
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test(
        "the same client order id twice in one transaction places once; used in an earlier transaction, write fails and nothing is placed")
    func clientOrderIDOnce() async throws {
        try await PaperTradingFixture.with(cash: 100_000) { fixture in
            let ticket = Self.ticket(fixture, .buy, "0.5", id: "rb-1")
            let results = try await Self.place(
                fixture, [ticket, ticket, Self.ticket(fixture, .buy, "9", id: "rb-1")], reference: dec("50000"))
            #expect(results[0] == results[1] && results[1] == results[2])
            #expect(results[0].filledQuantity == dec("0.5"))
            #expect(try await fixture.database.count("SELECT count(*) FROM orders") == 1)
            #expect(try await fixture.database.count("SELECT count(*) FROM fills") == 1)
            let cash = try await fixture.balance("USD").available
            let events = try await fixture.events()

            let name = TestServers.unique("kept-out")
            let accountID = try await fixture.accountID
            await #expect(throws: (any Error).self) {
                try await fixture.database.transaction(logger: Self.logger) { connection in
                    try await connection.query("INSERT INTO users (name) VALUES (\(name))", logger: Self.logger)
                    var locked = try #require(try await LockedAccount.lock(id: accountID, on: connection, logger: Self.logger))
                    _ = try locked.placeMarketOrder(Self.ticket(fixture, .buy, "0.1", id: "fresh"), reference: dec("50000"), now: Date())
                    _ = try locked.placeMarketOrder(ticket, reference: dec("50000"), now: Date())
                    try await locked.write()
                }
            }
            #expect(try await fixture.database.count("SELECT count(*) FROM orders") == 1)
            #expect(try await fixture.database.count("SELECT count(*) FROM fills") == 1)
            #expect(try await fixture.database.count("SELECT count(*) FROM users WHERE name = \(name)") == 0)
            #expect(try await fixture.balance("USD").available == cash)
            #expect(try await fixture.events() == events)
        }
    }

    @Test("a reference whose fill price is not above 0 (0, negative, a dust price the sell slippage rounds to 0) is a rejected order")
    func priceNotAboveZero() async throws {
        try await PaperTradingFixture.with(cash: 1_000) { fixture in
            _ = try await Self.place(fixture, [Self.ticket(fixture, .buy, "2")], reference: dec("100"))
            let cash = try await fixture.balance("USD").available
            let zero = try await Self.place(
                fixture, [Self.ticket(fixture, .buy, "1", id: "free"), Self.ticket(fixture, .sell, "1", id: "given")], reference: dec("0"))
            #expect(zero.map(\.status) == [.rejected, .rejected])
            let negative = try await Self.place(
                fixture, [Self.ticket(fixture, .buy, "1", id: "paid"), Self.ticket(fixture, .sell, "1", id: "paying")], reference: dec("-5")
            )
            #expect(negative.map(\.status) == [.rejected, .rejected])
            // 0.00000001 − 5 bps rounds down to 0: no sale for nothing.
            let dust = try await Self.place(fixture, [Self.ticket(fixture, .sell, "1", id: "dust")], reference: dec("0.00000001"))
            #expect(dust.map(\.status) == [.rejected])
            #expect(try await fixture.database.count("SELECT count(*) FROM fills") == 1)
            #expect(try await fixture.database.count("SELECT count(*) FROM orders WHERE status = 'rejected'") == 5)
            #expect(try await fixture.balance("USD").available == cash)
            #expect(try await fixture.balance(Self.base(fixture)).available == dec("2"))
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("a sell whose proceeds do not cover its fee never takes the cash below 0")
    func sellFeeBeyondProceeds() async throws {
        try await PaperTradingFixture.with(cash: 0) { fixture in
            let accountID = try await fixture.accountID
            let base = Self.base(fixture)
            try await fixture.database.transaction(logger: Self.logger) { connection in
                var locked = try #require(try await LockedAccount.lock(id: accountID, on: connection, logger: Self.logger))
                try locked.deposit(dec("0.00000003"), of: base)
                try await locked.write()
            }
            // 0.5 − 5 bps = 0.49975; 0.00000001 × 0.49975 rounds down to 0 proceeds, its fee up to 0.00000001.
            let results = try await Self.place(fixture, [Self.ticket(fixture, .sell, "0.00000001")], reference: dec("0.5"))
            #expect(results.first?.status == .rejected)
            #expect(try await fixture.balance("USD").available >= 0)
            #expect(try await fixture.balance(base).available == dec("0.00000003"))
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("two transactions placing the same client order id at once: one places it, the other fails and places nothing")
    func concurrentSameClientID() async throws {
        try await PaperTradingFixture.with(cash: 100_000) { fixture in
            let ticket = Self.ticket(fixture, .buy, "0.5", id: "rb-same")
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        do {
                            _ = try await Self.place(fixture, [ticket], reference: dec("50000"))
                            return true
                        } catch let error as PSQLError {
                            #expect(error.serverInfo?[.sqlState] == "23505")
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await fixture.database.count("SELECT count(*) FROM orders") == 1)
            #expect(try await fixture.database.count("SELECT count(*) FROM fills") == 1)
            #expect(try await fixture.balance("USD").available == dec("100000") - dec("25037.5125"))
            #expect(try await fixture.events() == ["order.created", "trade.executed", "order.filled", "position.opened"])
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("a program's buy books the fill, ledger, position, balances and events a signal's identical buy books")
    func sameAsSignal() async throws {
        try await PaperTradingFixture.with(cash: 100_000) { fixture in
            let outcome = try await fixture.executor.execute(fixture.signal("buy", quantity: "0.5", strategy: "s"))
            guard case .ordered(let signalOrder, .filled) = outcome else {
                Issue.record("expected a fill, got \(outcome)")
                return
            }
            let result = try #require(
                try await Self.place(fixture, [Self.ticket(fixture, .buy, "0.5", strategy: "p")], reference: dec("50000")).first)
            let programOrder = try #require(result.orderID)
            #expect(result.price == dec("50025") && result.fee == dec("25.0125") && result.value == dec("25037.5125"))

            func fill(_ order: UUID) async throws -> [String] {
                try await fixture.strings(
                    "SELECT symbol || ' ' || side || ' ' || price || ' ' || quantity || ' ' || fee || ' ' || fee_asset || ' ' || liquidity FROM fills WHERE order_id = \(order)"
                )
            }
            func ledger(_ order: UUID) async throws -> [String] {
                try await fixture.strings(
                    "SELECT asset || ' ' || bucket || ' ' || amount || ' ' || kind FROM ledger_entries WHERE order_id = \(order) ORDER BY asset, kind, amount"
                )
            }
            func orderRow(_ order: UUID) async throws -> [String] {
                try await fixture.strings(
                    "SELECT type || ' ' || status || ' ' || quantity || ' ' || filled_quantity || ' ' || average_price || ' ' || fees || ' ' || locked_amount FROM orders WHERE id = \(order)"
                )
            }
            func position(_ strategy: String) async throws -> [String] {
                try await fixture.strings(
                    "SELECT side || ' ' || quantity || ' ' || average_entry_price || ' ' || realized_pnl || ' ' || status FROM positions WHERE strategy = \(strategy)"
                )
            }
            #expect(try await fill(programOrder) == (try await fill(signalOrder)))
            #expect(try await fill(programOrder).count == 1)
            #expect(try await ledger(programOrder) == (try await ledger(signalOrder)))
            #expect(try await ledger(programOrder).count == 3)
            #expect(try await orderRow(programOrder) == (try await orderRow(signalOrder)))
            #expect(try await position("p") == (try await position("s")))
            #expect(try await position("p") == ["long 0.5 50025 -25.0125 open"])
            #expect(try await fixture.balance("USD").available == dec("100000") - 2 * dec("25037.5125"))
            #expect(try await fixture.balance(Self.base(fixture)).available == dec("1"))
            // The signal adds its own decision; the order and fill events are the same.
            #expect(
                try await fixture.events() == [
                    "order.created", "trade.executed", "order.filled", "position.opened", "order.created", "trade.executed", "order.filled",
                    "position.opened",
                ])
            let trade = try await fixture.strings("SELECT data FROM outbox WHERE type = 'trade.executed' ORDER BY id")
            #expect(trade.count == 2)
            #expect(trade[1].contains(programOrder.uuidString))
            #expect(trade[1].contains("\"price\":\"50025\""))
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("without short selling, a sell closes at most the long position of its strategy: it never opens a short position")
    func sellWithoutPosition() async throws {
        try await PaperTradingFixture.with(cash: 1_000) { fixture in
            let accountID = try await fixture.accountID
            let base = Self.base(fixture)
            try await fixture.database.transaction(logger: Self.logger) { connection in
                var locked = try #require(try await LockedAccount.lock(id: accountID, on: connection, logger: Self.logger))
                try locked.deposit(dec("2"), of: base)
                try await locked.write()
            }
            // 2 deposited (no position) and 1 bought under another strategy: nothing of the ticket's strategy to sell.
            _ = try await Self.place(fixture, [Self.ticket(fixture, .buy, "1", strategy: "other")], reference: dec("100"))
            let refused = try #require(try await Self.place(fixture, [Self.ticket(fixture, .sell, "5")], reference: dec("100")).first)
            #expect(refused.status == .rejected && refused.filledQuantity == 0)
            #expect(refused.reason?.contains("long position") == true, "\(refused.reason ?? "")")
            // Under the strategy that bought it, the sell closes that position and no more.
            let sold = try #require(
                try await Self.place(
                    fixture, [Self.ticket(fixture, .sell, "5", id: "close-other", strategy: "other")], reference: dec("100")
                )
                .first)
            #expect(sold.status == .filled && sold.filledQuantity == dec("1"))
            #expect(try await fixture.balance(base).available == dec("2"))
            #expect(try await fixture.database.count("SELECT count(*) FROM positions WHERE status = 'open' AND side = 'short'") == 0)
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("write after write writes only what came after the first")
    func writeTwice() async throws {
        try await PaperTradingFixture.with(cash: 100_000) { fixture in
            let accountID = try await fixture.accountID
            try await fixture.database.transaction(logger: Self.logger) { connection in
                var locked = try #require(try await LockedAccount.lock(id: accountID, on: connection, logger: Self.logger))
                _ = try locked.placeMarketOrder(Self.ticket(fixture, .buy, "0.1", id: "first"), reference: dec("50000"), now: Date())
                try await locked.write()
                _ = try locked.placeMarketOrder(Self.ticket(fixture, .buy, "0.2", id: "second"), reference: dec("50000"), now: Date())
                try await locked.write()
            }
            #expect(try await fixture.database.count("SELECT count(*) FROM orders") == 2)
            #expect(try await fixture.database.count("SELECT count(*) FROM fills") == 2)
            #expect(try await fixture.balance(Self.base(fixture)).available == dec("0.3"))
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("deposit adds and takes away, never below 0; another symbol's quote is a rejected order")
    func depositAndQuote() async throws {
        try await PaperTradingFixture.with(cash: 100) { fixture in
            let accountID = try await fixture.accountID
            let results = try await fixture.database.transaction(logger: Self.logger) { connection -> [MarketOrderResult] in
                var locked = try #require(try await LockedAccount.lock(id: accountID, on: connection, logger: Self.logger))
                #expect(throws: PaperAccountStore.Failure.insufficientFunds(asset: "USD", available: dec("100"))) {
                    try locked.deposit(dec("-100.00000001"), of: "USD")
                }
                try locked.deposit(dec("-40.5"), of: "USD")
                try locked.deposit(dec("2"), of: "EUR")
                #expect(locked.balances["USD"]?.available == dec("59.5"))
                #expect(locked.balances["EUR"]?.available == dec("2"))
                let euro = try locked.placeMarketOrder(
                    MarketOrderTicket(clientOrderID: "eur", symbol: "BTC-EUR", side: .buy, quantity: dec("1"), strategy: ""),
                    reference: dec("1"), now: Date())
                try await locked.write()
                return [euro]
            }
            #expect(results.first?.status == .rejected)
            #expect(try await fixture.balance("USD").available == dec("59.5"))
            #expect(try await fixture.balance("EUR").available == dec("2"))
            #expect(try await fixture.balancesMatchLedger())
        }
    }
}
