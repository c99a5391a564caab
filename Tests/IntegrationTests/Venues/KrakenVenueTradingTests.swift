import BallastCore
import BallastVenues
import Foundation
import PostgresNIO
import Testing

@testable import BallastTrading

@Suite("Signals traded on Kraken (simulated, real protocol) with real Postgres and Redis")
struct KrakenVenueTradingTests {
    @Test("a market buy becomes one Kraken order; its fill is booked once with Kraken's price and fee, however often it is reported")
    func signalFilledOnce() async throws {
        try await KrakenTradingFixture.with { fixture in
            let signal = fixture.paper.signal("buy", quantity: "0.5")
            let outcome = try await fixture.paper.executor.execute(signal)
            guard case .ordered(let orderID, let status) = outcome else {
                Issue.record("expected an order, got \(outcome)")
                return
            }
            #expect(status == .new)
            // Until Kraken reports, the order holds the cash it may spend: nothing is filled in Ballast's own book.
            #expect(try await fixture.paper.balance("USD").locked > 0)
            #expect(try await fixture.paper.database.count("SELECT count(*) FROM fills") == 0)

            try await fixture.dispatch { try await fixture.orderStatus(orderID) == "filled" }
            #expect(fixture.simulator.placedOrderCount == 1)
            let placed = try #require(fixture.simulator.orders.first)
            // A signal's order carries the signal's id to Kraken as cl_ord_id.
            #expect(placed.clientOrderID == signal.id.uuidString.lowercased())
            let simulatedFill = try #require(fixture.simulator.fills.first)
            #expect(try await fixture.paper.decimal("SELECT price FROM fills") == simulatedFill.price)
            #expect(try await fixture.paper.decimal("SELECT fee FROM fills") == simulatedFill.fee)
            #expect(try await fixture.paper.balance(fixture.base).available == dec("0.5"))
            #expect(try await fixture.paper.balance("USD").locked == 0)
            #expect(try await fixture.venueState(of: orderID) == "done")

            // Kraken reporting the same trade again (the order looked at again) books nothing more.
            try await fixture.database.query(
                "UPDATE venue_orders SET state = 'open', next_attempt_at = now() - interval '1 second' WHERE order_id = \(orderID)")
            try await fixture.dispatcher.dispatchDue()
            #expect(try await fixture.paper.database.count("SELECT count(*) FROM fills") == 1)
            #expect(try await fixture.paper.database.count("SELECT count(*) FROM venue_fills") == 1)
            #expect(try await fixture.paper.balancesMatchLedger())
            // The ledger agrees with Kraken to the last digit.
            #expect(try await fixture.reconciler.reconcileAll().isEmpty)
            #expect(
                try await fixture.paper.events() == [
                    "order.created", "trade.executed", "order.filled", "position.opened",
                ])
        }
    }

    @Test(
        "the answer to AddOrder is lost (Kraken placed it, then stalled past the timeout): looked up by client order id, never sent twice")
    func lostAnswerStall() async throws {
        try await KrakenTradingFixture.with(timeout: .milliseconds(1500)) { fixture in
            fixture.simulator.injectFault(.processThenStall(hold: .seconds(5)), method: "AddOrder")
            let orderID = try await fixture.order(fixture.paper.signal("buy", quantity: "0.5"))
            try await fixture.dispatcher.dispatchDue()
            #expect(try await fixture.venueState(of: orderID) == "submitting")
            try await fixture.dispatch { try await fixture.orderStatus(orderID) == "filled" }
            #expect(fixture.simulator.placedOrderCount == 1)
            #expect(try await fixture.paper.database.count("SELECT count(*) FROM fills") == 1)
            #expect(try await fixture.paper.balancesMatchLedger())
        }
    }

    @Test("the connection drops after Kraken placed the order: looked up, one order")
    func lostAnswerDrop() async throws {
        try await KrakenTradingFixture.with { fixture in
            fixture.simulator.injectFault(.processThenDrop, method: "AddOrder")
            let orderID = try await fixture.order(fixture.paper.signal("buy", quantity: "0.5"))
            try await fixture.dispatch { try await fixture.orderStatus(orderID) == "filled" }
            #expect(fixture.simulator.placedOrderCount == 1)
        }
    }

    @Test("the request never reached Kraken (stalled unprocessed): not found by its client order id, so sent again, once")
    func neverArrived() async throws {
        try await KrakenTradingFixture.with(timeout: .milliseconds(1500)) { fixture in
            fixture.simulator.injectFault(.stallWithoutProcessing(hold: .seconds(5)), method: "AddOrder")
            let orderID = try await fixture.order(fixture.paper.signal("buy", quantity: "0.5"))
            try await fixture.dispatch { try await fixture.orderStatus(orderID) == "filled" }
            #expect(fixture.simulator.placedOrderCount == 1)
        }
    }

    @Test(
        "Kraken refuses: the order is rejected with Kraken's reason in the decision, trade.failed, the hold released, never retried",
        arguments: [
            ("insufficient", "EOrder:Insufficient funds"),
            ("minimum", "EOrder:Order minimum not met"),
            ("credentials", "EAPI:Invalid"),
        ])
    func refused(case name: String, code: String) async throws {
        let usd: Decimal = name == "insufficient" ? 100 : 100_000
        try await KrakenTradingFixture.with(usd: usd, wrongSecret: name == "credentials") { fixture in
            // The ledger opened with Kraken's balance; a paper deposit lets the insufficient order pass Ballast's own checks.
            if name == "insufficient" {
                _ = try await fixture.paper.accounts.fund(user: fixture.paper.userName, asset: "USD", amount: 100_000)
            }
            let quantity = name == "minimum" ? "0.00005" : "0.5"
            let orderID = try await fixture.order(fixture.paper.signal("buy", quantity: quantity))
            try await fixture.dispatch { try await fixture.orderStatus(orderID) == "rejected" }
            let reason = try #require(try await fixture.paper.strings("SELECT reason FROM orders WHERE id = \(orderID)").first)
            #expect(reason.contains(code))
            #expect(try await fixture.paper.strings("SELECT status FROM signal_decisions") == ["rejected"])
            let reasons = try #require(try await fixture.paper.strings("SELECT reasons::text FROM signal_decisions").first)
            #expect(reasons.contains("venue_rejected") && reasons.contains(code))
            #expect(try await fixture.paper.events().suffix(1) == ["trade.failed"])
            #expect(try await fixture.paper.balance("USD").locked == 0)
            #expect(try await fixture.venueState(of: orderID) == "done")
            #expect(fixture.simulator.placedOrderCount == 0)
            // Nothing is sent again.
            try await fixture.dispatcher.dispatchDue()
            #expect(try await fixture.paper.database.count("SELECT count(*) FROM venue_orders WHERE attempts > 1") == 0)
            #expect(try await fixture.paper.balancesMatchLedger())
        }
    }

    @Test("Kraken rate-limits: asked again later, placed once")
    func busy() async throws {
        try await KrakenTradingFixture.with { fixture in
            fixture.simulator.injectFault(.error("EAPI:Rate limit exceeded"), method: "AddOrder")
            let orderID = try await fixture.order(fixture.paper.signal("buy", quantity: "0.5"))
            try await fixture.dispatch { try await fixture.orderStatus(orderID) == "filled" }
            #expect(fixture.simulator.placedOrderCount == 1)
        }
    }

    @Test("reconciliation reports a difference once as balance.mismatch, never corrects it, and forgets it when it is gone")
    func reconciliation() async throws {
        try await KrakenTradingFixture.with { fixture in
            #expect(try await fixture.reconciler.reconcileAll().isEmpty)
            // Someone withdrew 250 USD at Kraken itself.
            fixture.simulator.setBalance(dec("99750"), asset: "USD")
            let differences = try await fixture.reconciler.reconcileAll()
            #expect(differences.map(\.asset) == ["USD"])
            #expect(differences.first?.difference == dec("-250"))
            #expect(try await fixture.paper.events().filter { $0 == "balance.mismatch" }.count == 1)
            #expect(try await fixture.paper.balance("USD").available == dec("100000"))
            // The same difference again is not reported again.
            _ = try await fixture.reconciler.reconcileAll()
            #expect(try await fixture.paper.events().filter { $0 == "balance.mismatch" }.count == 1)
            let data = try #require(
                try await fixture.paper.strings("SELECT data FROM outbox WHERE type = 'balance.mismatch'").first)
            #expect(data.contains("\"difference\":\"-250\""))
            fixture.simulator.setBalance(dec("100000"), asset: "USD")
            #expect(try await fixture.reconciler.reconcileAll().isEmpty)
            #expect(try await fixture.database.count("SELECT count(*) FROM venue_balance_differences") == 0)
        }
    }

    @Test("a resting limit order is canceled at Kraken by a cancel signal: it ends when Kraken confirms, its hold released")
    func cancelAtKraken() async throws {
        try await KrakenTradingFixture.with { fixture in
            let orderID = try await fixture.order(fixture.paper.signal("buy", quantity: "0.5", orderType: "limit", price: "40000"))
            try await fixture.dispatch { try await fixture.venueState(of: orderID) == "open" }
            #expect(try await fixture.paper.balance("USD").locked > 0)
            let cancel = try await fixture.paper.executor.execute(fixture.paper.signal("cancel", quantity: nil))
            #expect(cancel == .canceled(orderIDs: [orderID]))
            // Still open until Kraken says it is canceled.
            #expect(try await fixture.orderStatus(orderID) == "new")
            try await fixture.dispatch { try await fixture.orderStatus(orderID) == "canceled" }
            #expect(fixture.simulator.orders.first?.status == .canceled)
            #expect(try await fixture.paper.balance("USD").locked == 0)
            #expect(try await fixture.venueState(of: orderID) == "done")
            #expect(try await fixture.paper.balancesMatchLedger())
        }
    }

    @Test("the ledger moves the cash Kraken says a trade cost (its rounding), so reconciliation finds no difference")
    func costAsKrakenRoundsIt() async throws {
        try await KrakenTradingFixture.with { fixture in
            try fixture.simulator.setLastPrice(dec("50000.1"), pair: fixture.pair)
            try await fixture.paper.setPrice("50000.1")
            let orderID = try await fixture.order(fixture.paper.signal("buy", quantity: "0.12345679"))
            try await fixture.dispatch { try await fixture.orderStatus(orderID) == "filled" }
            #expect(try await fixture.reconciler.reconcileAll().isEmpty)
            #expect(try await fixture.paper.balance("USD").available == fixture.simulator.balance("USD"))
        }
    }
}
