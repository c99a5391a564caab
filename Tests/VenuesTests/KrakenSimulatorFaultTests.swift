import AsyncHTTPClient
import BallastCore
import BallastTrading
import BallastVenues
import Foundation
import Testing

/// The simulated Kraken's faults, each as named: a refusal that does nothing, answers lost after the work was done
/// (held past the client's timeout, or the connection closed), a request held without being done; the call counter;
/// the control routes scripts drive it with.
@Suite("Simulated Kraken: faults, call counter, control routes")
struct KrakenSimulatorFaultTests {
    static let marketBuy = ["pair": "XBTUSD", "type": "buy", "ordertype": "market", "volume": "0.01", "cl_ord_id": "fault-1"]

    @Test("an error fault answers Kraken's error for the next calls of that method only, and does nothing")
    func errorFault() async throws {
        try await withSimulator(balances: ["USD": 10_000]) { (simulator, kraken) async throws in
            simulator.injectFault(.error("EService:Unavailable"), method: "AddOrder", count: 2)
            #expect(try await kraken.call("Balance").errors == [])
            #expect(try await kraken.call("AddOrder", Self.marketBuy).errors == ["EService:Unavailable"])
            #expect(try await kraken.call("AddOrder", Self.marketBuy).errors == ["EService:Unavailable"])
            #expect(simulator.placedOrderCount == 0)
            #expect(try await kraken.call("AddOrder", Self.marketBuy).errors == [])
            #expect(simulator.placedOrderCount == 1)
        }
    }

    @Test("a fault is played only for calls that pass authentication")
    func faultAfterAuthentication() async throws {
        try await withSimulator { (simulator, kraken) async throws in
            simulator.injectFault(.error("EAPI:Rate limit exceeded"), method: "Balance")
            #expect(try await kraken.call("Balance", apiKey: "nobody").errors == ["EAPI:Invalid key"])
            #expect(try await kraken.call("Balance").errors == ["EAPI:Rate limit exceeded"])
            #expect(try await kraken.call("Balance").errors == [])
        }
    }

    @Test("processThenStall places the order, then holds the answer past the client's timeout; the order is found by cl_ord_id")
    func processThenStall() async throws {
        let started = ContinuousClock.now
        try await withSimulator(balances: ["USD": 10_000]) { (simulator, kraken) async throws in
            simulator.injectFault(.processThenStall(hold: .seconds(30)), method: "AddOrder")
            await #expect(throws: HTTPClientError.deadlineExceeded) {
                try await kraken.call("AddOrder", Self.marketBuy, timeout: .seconds(1))
            }
            // On a loaded machine the request may reach the simulator only after the client gave up.
            let deadline = ContinuousClock.now + .seconds(10)
            while simulator.placedOrderCount == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(simulator.placedOrderCount == 1)
            let closed = try await kraken.call("ClosedOrders", ["cl_ord_id": "fault-1"])
            #expect(closed.result?["count"] == .number("1"))
            #expect(closed.result?["closed"]?.simMembers.first?.value["status"] == .string("closed"))
        }
        // Stopping ends the held answer at once rather than after its 30 seconds.
        #expect(ContinuousClock.now - started < .seconds(25))
    }

    @Test("processThenDrop places the order and closes the connection without an answer")
    func processThenDrop() async throws {
        try await withSimulator(balances: ["USD": 10_000]) { (simulator, kraken) async throws in
            simulator.injectFault(.processThenDrop, method: "AddOrder")
            await #expect(throws: (any Error).self) { try await kraken.call("AddOrder", Self.marketBuy) }
            #expect(simulator.placedOrderCount == 1)
            #expect(simulator.orders(clientOrderID: "fault-1").count == 1)
            // The next call is answered as usual.
            #expect(try await kraken.call("OpenOrders").errors == [])
        }
    }

    @Test("stallWithoutProcessing holds the request past the client's timeout and places nothing")
    func stallWithoutProcessing() async throws {
        try await withSimulator(balances: ["USD": 10_000]) { (simulator, kraken) async throws in
            simulator.injectFault(.stallWithoutProcessing(hold: .seconds(30)), method: "AddOrder")
            await #expect(throws: HTTPClientError.deadlineExceeded) {
                try await kraken.call("AddOrder", Self.marketBuy, timeout: .seconds(1))
            }
            #expect(simulator.placedOrderCount == 0)
            #expect(try await kraken.call("OpenOrders", ["cl_ord_id": "fault-1"]).result?["open"] == .object([]))
            #expect(try await kraken.call("ClosedOrders", ["cl_ord_id": "fault-1"]).result?["count"] == .number("0"))
        }
    }

    @Test("the call counter refuses calls past its maximum, counts trade history double, and leaves AddOrder alone")
    func callCounter() async throws {
        try await withSimulator(balances: ["USD": 10_000]) { (simulator, kraken) async throws in
            #expect(try await kraken.call("Balance").errors == [])
            simulator.setRateLimit(KrakenSimulatorRateLimit(maximum: 4, decayPerSecond: 0))
            #expect(try await kraken.call("Balance").errors == [])
            #expect(try await kraken.call("TradesHistory").errors == [])
            #expect(try await kraken.call("AddOrder", Self.marketBuy).errors == [])
            #expect(try await kraken.call("Balance").errors == [])
            #expect(try await kraken.call("Balance").errors == ["EAPI:Rate limit exceeded"])
            #expect(try await kraken.call("TradesHistory").errors == ["EAPI:Rate limit exceeded"])
            simulator.setRateLimit(nil)
            #expect(try await kraken.call("Balance").errors == [])
        }
    }

    @Test("the call counter decays with time")
    func callCounterDecay() async throws {
        try await withSimulator { (simulator, kraken) async throws in
            simulator.setRateLimit(KrakenSimulatorRateLimit(maximum: 1, decayPerSecond: 20))
            #expect(try await kraken.call("Balance").errors == [])
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await kraken.call("Balance").errors == [])
        }
    }

    @Test("the control routes set balances and prices, publish market trades, inject faults and show the state")
    func controlRoutes() async throws {
        try await withSimulator { (simulator, kraken) async throws in
            #expect(try await kraken.control("balance", ["asset": "USD", "amount": "2500.50"]).errors == [])
            #expect(simulator.balance("ZUSD") == Decimal(string: "2500.5")!)
            #expect(try await kraken.control("price", ["pair": "ETH/USD", "price": "3100.25"]).errors == [])
            #expect(simulator.pairs.first { $0.name == "XETHZUSD" }?.lastPrice == Decimal(string: "3100.25")!)
            #expect(try await kraken.control("price", ["pair": "DOGE/USD", "price": "1"]).errors == ["EQuery:Unknown asset pair"])
            #expect(
                try await kraken.control("balance", ["asset": "USD", "amount": "lots"]).errors == ["EGeneral:Invalid arguments:amount"])

            let resting = ["pair": "ETHUSD", "type": "buy", "ordertype": "limit", "price": "3000.00", "volume": "0.5"]
            #expect(try await kraken.call("AddOrder", resting).errors == [])
            #expect(
                try await kraken.control("market-trade", ["pair": "ETHUSD", "price": "2999", "volume": "2", "side": "sell"]).errors == [])
            #expect(simulator.orders.first?.status == .closed)

            let fault = ["method": "Balance", "mode": "error", "error": "EService:Busy"]
            #expect(try await kraken.control("fault", fault).errors == [])
            #expect(try await kraken.call("Balance").errors == ["EService:Busy"])
            #expect(
                try await kraken.control("fault", ["method": "Balance", "mode": "sometimes"]).errors == ["EGeneral:Invalid arguments:mode"])

            let state = try await kraken.control("state", get: true)
            #expect(state.result?["placed_order_count"] == .number("1"))
            #expect(state.result?["orders"]?.simArray?.first?["status"] == .string("closed"))
            #expect(state.result?["trades"]?.simArray?.first?["maker"] == .bool(true))
            #expect(state.result?["balances"]?["XETH"] == .string("0.5"))

            #expect(try await kraken.control("rate-limit", ["maximum": "1", "decay_per_second": "0"]).errors == [])
            #expect(try await kraken.call("Balance").errors == [])
            #expect(try await kraken.call("Balance").errors == ["EAPI:Rate limit exceeded"])
            #expect(try await kraken.control("rate-limit", ["tier": "off"]).errors == [])
            #expect(try await kraken.call("Balance").errors == [])
            #expect(try await kraken.control("rate-limit", ["tier": "gold"]).errors == ["EGeneral:Invalid arguments:tier"])
        }
    }
}
