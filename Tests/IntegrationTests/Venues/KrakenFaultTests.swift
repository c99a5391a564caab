import BallastCore
import BallastRedis
import BallastVenues
import Foundation
import PostgresNIO
import Synchronization
import Testing

@testable import BallastTrading

/// The exactly-once promise against an adversary: another service's dispatcher between this one's reading of an order
/// and its sending, a request that reaches Kraken late, a refused signal that had asked for cancels, a trade between
/// the balances asked for and their comparison.
@Suite("Kraken trading under faults (simulated Kraken, real Postgres and Redis)")
struct KrakenFaultTests {
    @Test("two services' dispatchers on one account (the first's Redis lock lapsed): an order both read pending is sent once")
    func staleDispatcherSendsNothing() async throws {
        try await KrakenTradingFixture.with { fixture in
            guard case .ordered(let orderID, _) = try await fixture.paper.executor.execute(fixture.paper.signal("buy", quantity: "0.5"))
            else {
                Issue.record("expected an order")
                return
            }
            let lock = "ballast:lock:venue-account:\(try await fixture.paper.accountID.uuidString.lowercased())"
            let once = OneShot()
            let first = fixture.dispatcher(wrapping: { venue in
                HookedVenue(
                    inner: venue,
                    beforeRules: {
                        guard once.take() else { return }
                        // The first instance read the order pending; its lock lapses (a pause, Redis out of reach) and
                        // a second service takes the account, sends the order, and loses Kraken's answer.
                        _ = try await fixture.paper.redis.send("DEL", lock)
                        fixture.simulator.injectFault(.processThenDrop, method: "AddOrder")
                        try await fixture.dispatcher.dispatchDue()
                        #expect(try await fixture.venueState(of: orderID) == "submitting")
                    })
            })
            try await first.dispatchDue()
            #expect(fixture.simulator.placedOrderCount == 1)
            try await fixture.dispatch { try await fixture.orderStatus(orderID) == "filled" }
            #expect(fixture.simulator.placedOrderCount == 1)
            #expect(fixture.simulator.balance(fixture.base) == dec("0.5"))
            #expect(try await fixture.paper.balance(fixture.base).available == dec("0.5"))
            #expect(try await fixture.paper.balancesMatchLedger())
        }
    }

    @Test("Kraken answers a copy 'duplicate order' (the first request got there late): the order is followed, not rejected")
    func duplicateMeansPlaced() async throws {
        try await KrakenTradingFixture.with { fixture in
            guard
                case .ordered(let orderID, _) = try await fixture.paper.executor.execute(
                    fixture.paper.signal("buy", quantity: "0.5", orderType: "limit", price: "40000"))
            else {
                Issue.record("expected an order")
                return
            }
            let once = OneShot()
            let dispatcher = fixture.dispatcher(wrapping: { venue in
                HookedVenue(
                    inner: venue,
                    beforePlace: { request in
                        // An earlier request of the same order, whose answer was lost, reaches Kraken just before this one.
                        guard once.take() else { return }
                        _ = try await venue.place(request)
                    })
            })
            try await dispatcher.dispatchDue()
            #expect(fixture.simulator.placedOrderCount == 1)
            try await fixture.dispatch { try await fixture.venueState(of: orderID) == "open" }
            #expect(try await fixture.orderStatus(orderID) == "new")
            #expect(
                try await fixture.paper.strings("SELECT coalesce(venue_order_id, '-') FROM venue_orders")
                    == fixture.simulator.orders.map(\.txid))
            // Kraken fills it: the fill is booked.
            try fixture.simulator.publishMarketTrade(pair: fixture.pair, price: 40000, volume: 1, side: .sell)
            try await fixture.dispatch { try await fixture.orderStatus(orderID) == "filled" }
            #expect(try await fixture.paper.balance(fixture.base).available == dec("0.5"))
            #expect(try await fixture.paper.balance("USD").locked == 0)
            #expect(try await fixture.paper.balancesMatchLedger())
            #expect(try await fixture.reconciler.reconcileAll().isEmpty)
        }
    }

    @Test("a closing signal refused by a risk limit cancels nothing at Kraken: the resting order it would have canceled stays")
    func refusedCloseCancelsNothing() async throws {
        try await KrakenTradingFixture.with { fixture in
            guard case .ordered(let bought, _) = try await fixture.paper.executor.execute(fixture.paper.signal("buy", quantity: "0.5"))
            else {
                Issue.record("expected an order")
                return
            }
            try await fixture.dispatch { try await fixture.orderStatus(bought) == "filled" }
            guard
                case .ordered(let resting, _) = try await fixture.paper.executor.execute(
                    fixture.paper.signal("buy", quantity: "0.1", orderType: "limit", price: "40000"))
            else {
                Issue.record("expected an order")
                return
            }
            try await fixture.dispatch { try await fixture.venueState(of: resting) == "open" }
            try await RiskLimitsStore.save(
                RiskLimits(maxOrderNotional: 1000), account: try await fixture.paper.accountID, database: fixture.database,
                logger: TestServers.logger)
            let exit = try await fixture.paper.executor.execute(fixture.paper.signal("exit", quantity: nil))
            guard case .rejected(let reasons) = exit else {
                Issue.record("expected the exit refused, got \(exit)")
                return
            }
            #expect(reasons.map(\.rule) == ["max_order_notional"])
            #expect(
                try await fixture.paper.strings("SELECT cancel_requested::text FROM venue_orders WHERE order_id = \(resting)") == ["false"])
            try await fixture.database.query("UPDATE venue_orders SET next_attempt_at = now() WHERE order_id = \(resting)")
            try await fixture.dispatcher.dispatchDue()
            #expect(fixture.simulator.orders.last?.status == .open)
            #expect(try await fixture.orderStatus(resting) == "new")
        }
    }

    @Test("a trade booked between Kraken's balances asked for and their comparison is no difference: nothing is reported")
    func reconciliationRacesAFill() async throws {
        try await KrakenTradingFixture.with { fixture in
            let once = OneShot()
            let reconciler = fixture.reconciler(wrapping: { venue in
                HookedVenue(inner: venue, afterBalances: { if once.take() { try await Self.buyAndBook(fixture) } })
            })
            let differences = try await reconciler.reconcileAll()
            #expect(differences.isEmpty)
            #expect(try await fixture.paper.events().filter { $0 == "balance.mismatch" }.isEmpty)
            #expect(try await reconciler.reconcileAll().isEmpty)
        }
    }

    @Test("an ioc limit order goes to Kraken immediate-or-cancel: not at the market, it ends canceled and rests nowhere")
    func immediateOrCancelAtKraken() async throws {
        try await KrakenTradingFixture.with { fixture in
            var signal = fixture.paper.signal("buy", quantity: "0.5", orderType: "limit", price: "40000")
            signal.timeInForce = "ioc"
            let outcome = try await fixture.paper.executor.execute(signal)
            guard case .ordered(let orderID, _) = outcome else { throw UnexpectedOutcome(outcome) }
            try await fixture.dispatch(rounds: 5) { try await fixture.venueState(of: orderID) == "done" }
            #expect(fixture.simulator.orders.map(\.status) == [.canceled])
            #expect(try await fixture.orderStatus(orderID) == "canceled")
            #expect(try await fixture.paper.balance("USD").locked == 0)
            #expect(try await fixture.paper.balancesMatchLedger())
        }
    }

    @Test("partly filled, then canceled at Kraken, its trade not yet in TradesHistory: it ends only once the trade is booked")
    func canceledAfterPartialFillWithLateTrade() async throws {
        try await KrakenTradingFixture.with { fixture in
            let outcome = try await fixture.paper.executor.execute(
                fixture.paper.signal("buy", quantity: "0.5", orderType: "limit", price: "40000"))
            guard case .ordered(let orderID, _) = outcome else { throw UnexpectedOutcome(outcome) }
            try await fixture.dispatch { try await fixture.venueState(of: orderID) == "open" }
            try fixture.simulator.publishMarketTrade(pair: fixture.pair, price: 40000, volume: dec("0.2"), side: .sell)
            #expect(
                try await fixture.paper.executor.execute(fixture.paper.signal("cancel", quantity: nil)) == .canceled(orderIDs: [orderID]))
            let hidden = OneShot()
            let dispatcher = fixture.dispatcher(wrapping: { venue in
                HookedVenue(inner: venue, reportFills: { fills in hidden.take() ? [] : fills })
            })
            // Kraken says canceled with 0.2 executed, and TradesHistory does not list the trade yet.
            try await dispatcher.dispatchDue()
            #expect(fixture.simulator.orders.first?.status == .canceled)
            #expect(try await fixture.orderStatus(orderID) == "new")
            try await fixture.database.query("UPDATE venue_orders SET next_attempt_at = now() WHERE order_id = \(orderID)")
            try await fixture.dispatch { try await fixture.venueState(of: orderID) == "done" }
            #expect(try await fixture.orderStatus(orderID) == "canceled")
            #expect(try await fixture.paper.decimal("SELECT filled_quantity FROM orders WHERE id = \(orderID)") == dec("0.2"))
            #expect(try await fixture.paper.balance("USD").locked == 0)
            #expect(try await fixture.paper.balance(fixture.base).available == dec("0.2"))
            #expect(try await fixture.paper.balancesMatchLedger())
            #expect(try await fixture.reconciler.reconcileAll().isEmpty)
        }
    }

    @Test("a sell at Kraken holding the asset, filled in several trades: each releases what it sold, the ledger agrees with Kraken")
    func sellFilledInParts() async throws {
        try await KrakenTradingFixture.with { fixture in
            let bought = try await fixture.paper.executor.execute(fixture.paper.signal("buy", quantity: "0.5"))
            guard case .ordered(let buyID, _) = bought else { throw UnexpectedOutcome(bought) }
            try await fixture.dispatch { try await fixture.orderStatus(buyID) == "filled" }
            let sold = try await fixture.paper.executor.execute(
                fixture.paper.signal("sell", quantity: "0.5", orderType: "limit", price: "60000"))
            guard case .ordered(let sellID, _) = sold else { throw UnexpectedOutcome(sold) }
            try await fixture.dispatch { try await fixture.venueState(of: sellID) == "open" }
            #expect(try await fixture.paper.balance(fixture.base).locked == dec("0.5"))
            try fixture.simulator.publishMarketTrade(pair: fixture.pair, price: 60000, volume: dec("0.2"), side: .buy)
            try await fixture.dispatch { try await fixture.orderStatus(sellID) == "partially_filled" }
            #expect(try await fixture.paper.balance(fixture.base) == Balance(asset: fixture.base, available: 0, locked: dec("0.3")))
            try fixture.simulator.publishMarketTrade(pair: fixture.pair, price: 60000, volume: dec("0.3"), side: .buy)
            try await fixture.dispatch { try await fixture.orderStatus(sellID) == "filled" }
            #expect(try await fixture.paper.balance(fixture.base) == Balance(asset: fixture.base, available: 0, locked: 0))
            #expect(try await fixture.paper.balance("USD").locked == 0)
            #expect(try await fixture.paper.balancesMatchLedger())
            #expect(try await fixture.reconciler.reconcileAll().isEmpty)
        }
    }

    @Test("the owner closes a position of a Kraken account: it closes when Kraken's fill is booked, as closed by its owner")
    func ownerCloseAtKraken() async throws {
        try await KrakenTradingFixture.with { fixture in
            let bought = try await fixture.paper.executor.execute(fixture.paper.signal("buy", quantity: "0.5"))
            guard case .ordered(let buyID, _) = bought else { throw UnexpectedOutcome(bought) }
            try await fixture.dispatch { try await fixture.orderStatus(buyID) == "filled" }
            let position = try #require(
                try await fixture.paper.strings("SELECT id::text FROM positions").first.flatMap { UUID(uuidString: $0) })
            let actions = AccountActions(
                database: fixture.database, prices: MarketPrices(redis: fixture.paper.redis), logger: TestServers.logger)
            let view = try await actions.closePosition(position, user: fixture.paper.userID)
            #expect(view.status == "open")
            try await fixture.dispatch {
                try await fixture.paper.strings("SELECT status FROM positions WHERE id = \(position)") == ["closed"]
            }
            #expect(try await fixture.paper.strings("SELECT close_reason FROM positions WHERE id = \(position)") == ["manual"])
            #expect(fixture.simulator.placedOrderCount == 2)
            #expect(try await fixture.paper.balancesMatchLedger())
        }
    }

    /// Kraken answered the balances; an order is decided, placed, filled and booked before they are compared with the
    /// ledger.
    static func buyAndBook(_ fixture: KrakenTradingFixture) async throws {
        let outcome = try await fixture.paper.executor.execute(fixture.paper.signal("buy", quantity: "0.5"))
        guard case .ordered(let orderID, _) = outcome else { throw UnexpectedOutcome(outcome) }
        try await fixture.dispatch { try await fixture.orderStatus(orderID) == "filled" }
    }
}

/// An exchange that runs a test's step at a chosen point of a call, then makes the call.
struct HookedVenue: ExchangeVenue {
    let inner: any ExchangeVenue
    var beforeRules: @Sendable () async throws -> Void = {}
    var beforePlace: @Sendable (VenueOrderRequest) async throws -> Void = { _ in }
    var afterBalances: @Sendable () async throws -> Void = {}
    /// What of TradesHistory's answer the dispatcher sees.
    var reportFills: @Sendable ([VenueFill]) -> [VenueFill] = { $0 }

    var kind: VenueKind { inner.kind }

    func rules(for symbol: String) async throws -> VenueSymbolRules {
        try await beforeRules()
        return try await inner.rules(for: symbol)
    }

    func place(_ order: VenueOrderRequest) async throws -> VenuePlacement {
        try await beforePlace(order)
        return try await inner.place(order)
    }

    func cancel(venueOrderID: String) async throws { try await inner.cancel(venueOrderID: venueOrderID) }

    func order(clientOrderID: String) async throws -> VenueOrderState? { try await inner.order(clientOrderID: clientOrderID) }

    func orders(venueOrderIDs: [String]) async throws -> [VenueOrderState] { try await inner.orders(venueOrderIDs: venueOrderIDs) }

    func fills(since start: Date) async throws -> [VenueFill] { reportFills(try await inner.fills(since: start)) }

    func balances() async throws -> [String: Decimal] {
        let balances = try await inner.balances()
        try await afterBalances()
        return balances
    }
}

struct UnexpectedOutcome: Error {
    var outcome: SignalOutcome

    init(_ outcome: SignalOutcome) { self.outcome = outcome }
}

/// True the first time only.
final class OneShot: Sendable {
    private let taken = Mutex(false)

    func take() -> Bool {
        taken.withLock { taken in
            defer { taken = true }
            return !taken
        }
    }
}

extension KrakenTradingFixture {
    /// Another dispatcher of the fixture's account (another service), whose exchange is `wrap` of the fixture's.
    func dispatcher(wrapping wrap: @escaping @Sendable (any ExchangeVenue) -> any ExchangeVenue) -> VenueOrderDispatcher {
        let exchanges = self.exchanges
        let connections = VenueConnections(secrets: exchanges.secrets) { kind, key, secret in
            wrap(try exchanges.open(kind, apiKey: key, secret: secret, logger: TestServers.logger))
        }
        return VenueOrderDispatcher(
            database: database, redis: paper.redis, connections: connections, settings: Self.settings, logger: TestServers.logger)
    }

    /// A reconciler whose exchange is `wrap` of the fixture's.
    func reconciler(wrapping wrap: @escaping @Sendable (any ExchangeVenue) -> any ExchangeVenue) -> VenueBalanceReconciler {
        let exchanges = self.exchanges
        let connections = VenueConnections(secrets: exchanges.secrets) { kind, key, secret in
            wrap(try exchanges.open(kind, apiKey: key, secret: secret, logger: TestServers.logger))
        }
        return VenueBalanceReconciler(database: database, connections: connections, logger: TestServers.logger)
    }
}
