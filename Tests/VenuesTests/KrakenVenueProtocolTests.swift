import BallastCore
import BallastTrading
import BallastVenues
import Foundation
import Testing

/// `KrakenVenue` against the simulated Kraken over real loopback HTTP: two implementations of Kraken's protocol,
/// written apart, checked against each other.
@Suite struct KrakenVenueProtocolTests {
    static func withVenue(
        balances: [String: Decimal] = ["USD": 100_000, "BTC": Decimal(string: "0.5")!], timeout: Duration = .seconds(5),
        tier: KrakenRateTier? = nil, rateLimit: KrakenSimulatorRateLimit? = nil, secret: String? = nil,
        _ body: @Sendable (KrakenSimulator, KrakenVenue) async throws -> Void
    ) async throws {
        let credential = KrakenSimulatorCredential.random()
        let simulator = KrakenSimulator(credentials: [credential], balances: balances, rateLimit: rateLimit, splitFillsFromCost: nil)
        try await simulator.withRunning { baseURL in
            let venue = KrakenVenue(
                baseURL: baseURL, apiKey: credential.apiKey, secret: Secret(secret ?? credential.secret), timeout: timeout, tier: tier)
            try await body(simulator, venue)
        }
    }

    static func marketBuy(_ quantity: String, clientOrderID: String = UUID().uuidString.lowercased()) -> VenueOrderRequest {
        VenueOrderRequest(clientOrderID: clientOrderID, symbol: "BTC-USD", side: .buy, type: .market, quantity: Decimal(string: quantity)!)
    }

    @Test func balancesAndRulesAreReadInBallastsNames() async throws {
        try await Self.withVenue { _, venue in
            let balances = try await venue.balances()
            #expect(balances["USD"] == 100_000 && balances["BTC"] == Decimal(string: "0.5")!)
            let rules = try await venue.rules(for: "BTC-USD")
            #expect(
                rules
                    == VenueSymbolRules(
                        symbol: "BTC-USD", venueSymbol: "XXBTZUSD", priceDecimals: 1, quantityDecimals: 8,
                        minimumQuantity: Decimal(string: "0.00005")!, minimumCost: Decimal(string: "0.5")!))
            await #expect(throws: VenueError.rejected(code: "EQuery:Unknown asset pair", reason: "Kraken does not list DOGE-EUR")) {
                try await venue.rules(for: "DOGE-EUR")
            }
        }
    }

    @Test func theTickerGivesBestPricesAroundTheLastTrade() async throws {
        try await Self.withVenue { simulator, venue in
            try simulator.setLastPrice(Decimal(string: "61234.5")!, pair: "XBTUSD")
            let ticker = try await venue.ticker(for: "BTC-USD")
            #expect(ticker.symbol == "BTC-USD" && ticker.bid <= ticker.last && ticker.last <= ticker.ask)
            #expect(ticker.bid > 60_000 && ticker.ask < 62_000)
        }
    }

    @Test func aMarketOrderIsPlacedFilledAndFoundByItsClientOrderID() async throws {
        try await Self.withVenue { simulator, venue in
            let before = Date().addingTimeInterval(-1)
            let order = Self.marketBuy("0.012345678")
            let placement = try await venue.place(order)
            let txid = try #require(placement.venueOrderID)
            #expect(placement.description == "buy 0.01234567 XBTUSD @ market")
            #expect(simulator.orders(clientOrderID: order.clientOrderID).count == 1)

            let fills = try await venue.fills(since: before)
            #expect(fills.count == 1)
            let fill = try #require(fills.first)
            #expect(fill.venueOrderID == txid && fill.symbol == "BTC-USD" && fill.side == .buy)
            #expect(fill.quantity == Decimal(string: "0.01234567")! && fill.price == 60_000 && fill.fee > 0 && !fill.maker)
            let later = try await venue.fills(since: Date().addingTimeInterval(5))
            #expect(later.isEmpty)

            let found = try await venue.order(clientOrderID: order.clientOrderID)
            let state = try #require(found)
            #expect(state.venueOrderID == txid && state.status == .closed && state.filledQuantity == Decimal(string: "0.01234567")!)
            let unknown = try await venue.order(clientOrderID: UUID().uuidString.lowercased())
            #expect(unknown == nil)

            let states = try await venue.orders(venueOrderIDs: [txid, "OAAAAA-BBBBB-CCCCCC"])
            #expect(states.map(\.venueOrderID) == [txid])
            let balances = try await venue.balances()
            #expect(balances["BTC"] == Decimal(string: "0.51234567")!)
        }
    }

    @Test func aRestingLimitOrderIsFoundOpenThenCanceled() async throws {
        try await Self.withVenue { _, venue in
            let order = VenueOrderRequest(
                clientOrderID: UUID().uuidString.lowercased(), symbol: "BTC-USD", side: .buy, type: .limit,
                quantity: Decimal(string: "0.01")!, limitPrice: Decimal(string: "50000.06")!)
            let placement = try await venue.place(order)
            let txid = try #require(placement.venueOrderID)
            let open = try await venue.order(clientOrderID: order.clientOrderID)
            #expect(open?.status == .open && open?.venueOrderID == txid && open?.filledQuantity == 0)
            try await venue.cancel(venueOrderID: txid)
            let canceled = try await venue.order(clientOrderID: order.clientOrderID)
            #expect(canceled?.status == .canceled)
            await #expect {
                try await venue.cancel(venueOrderID: txid)
            } throws: { error in
                if case VenueError.rejected = error { true } else { false }
            }
        }
    }

    @Test func aValidatedOrderPlacesNothing() async throws {
        try await Self.withVenue { simulator, venue in
            var order = Self.marketBuy("0.01")
            order.validateOnly = true
            let placement = try await venue.place(order)
            #expect(placement.venueOrderID == nil)
            #expect(simulator.placedOrderCount == 0)
        }
    }

    @Test func krakensOwnChecksAreRejectedWithTheirReason() async throws {
        try await Self.withVenue(balances: ["USD": 100]) { _, venue in
            await #expect(
                throws: VenueError.rejected(code: "EOrder:Insufficient funds", reason: "the account's balance does not cover the order")
            ) {
                try await venue.place(Self.marketBuy("0.01"))
            }
            await #expect(
                throws: VenueError.rejected(
                    code: "EOrder:Order minimum not met", reason: "the order's quantity is below the pair's minimum (ordermin)")
            ) {
                try await venue.place(Self.marketBuy("0.00001"))
            }
        }
    }

    @Test func aWrongSecretIsRejectedWithAClearReason() async throws {
        try await Self.withVenue(secret: KrakenSimulatorCredential.random().secret) { _, venue in
            await #expect(
                throws: VenueError.rejected(
                    code: "EAPI:Invalid signature", reason: "the API secret is wrong: the request's signature does not match the key")
            ) {
                try await venue.balances()
            }
        }
    }

    @Test(arguments: [
        ("EService:Unavailable", VenueError.busy(code: "EService:Unavailable", retryAfterSeconds: 5)),
        ("EService:Busy", .busy(code: "EService:Busy", retryAfterSeconds: 5)),
        ("EGeneral:Temporary lockout", .busy(code: "EGeneral:Temporary lockout", retryAfterSeconds: 300)),
        (
            "EOrder:Insufficient funds",
            .rejected(code: "EOrder:Insufficient funds", reason: "the account's balance does not cover the order")
        ),
        ("EGeneral:Invalid arguments", .rejected(code: "EGeneral:Invalid arguments", reason: "Kraken refused the call's parameters")),
        (
            "EAPI:Invalid nonce",
            .rejected(
                code: "EAPI:Invalid nonce",
                reason: "the nonce was not above the last one this key used (another program using the same key, or a clock set back)")
        ),
        (
            "EGeneral:Permission denied",
            .rejected(
                code: "EGeneral:Permission denied",
                reason: "the API key lacks the permission this call needs (see the key's settings at Kraken)")
        ),
    ])
    func injectedErrorsAreMapped(code: String, expected: VenueError) async throws {
        try await Self.withVenue { simulator, venue in
            simulator.injectFault(.error(code), method: "AddOrder")
            await #expect(throws: expected) { try await venue.place(Self.marketBuy("0.01")) }
            #expect(simulator.placedOrderCount == 0)
            // The fault was played once: the next order goes through.
            let next = try await venue.place(Self.marketBuy("0.01"))
            #expect(next.venueOrderID != nil)
        }
    }

    @Test func anInjectedRateLimitIsBusy() async throws {
        try await Self.withVenue(tier: .pro) { simulator, venue in
            simulator.injectFault(.error("EAPI:Rate limit exceeded"), method: "Balance")
            await #expect {
                try await venue.balances()
            } throws: { error in
                if case VenueError.busy("EAPI:Rate limit exceeded", let seconds) = error { seconds >= 1 } else { false }
            }
        }
    }

    @Test func anAnswerLostAfterKrakenActedIsUnknownAndTheOrderIsFoundByItsClientOrderID() async throws {
        try await Self.withVenue(timeout: .seconds(2)) { simulator, venue in
            simulator.injectFault(.processThenDrop, method: "AddOrder")
            simulator.injectFault(.processThenStall(hold: .seconds(6)), method: "AddOrder")
            for _ in 0..<2 {
                let order = Self.marketBuy("0.01")
                await #expect {
                    try await venue.place(order)
                } throws: { error in
                    if case VenueError.unknown = error { true } else { false }
                }
                // On a loaded machine the request may reach the simulator only after the client gave up.
                var found = try? await venue.order(clientOrderID: order.clientOrderID)
                let deadline = ContinuousClock.now + .seconds(30)
                while found == nil, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                    found = try? await venue.order(clientOrderID: order.clientOrderID)
                }
                #expect(found?.status == .closed && found?.filledQuantity == Decimal(string: "0.01")!)
            }
        }
    }

    @Test func anAnswerLostBeforeKrakenActedIsUnknownAndNoOrderIsFound() async throws {
        try await Self.withVenue(timeout: .seconds(2)) { simulator, venue in
            simulator.injectFault(.stallWithoutProcessing(hold: .seconds(6)), method: "AddOrder")
            let order = Self.marketBuy("0.01")
            await #expect {
                try await venue.place(order)
            } throws: { error in
                if case VenueError.unknown = error { true } else { false }
            }
            // The lookup itself may need more than the stall's client timeout while a full run starts.
            var looked: VenueOrderState?? = nil
            let deadline = ContinuousClock.now + .seconds(30)
            while looked == nil, ContinuousClock.now < deadline { looked = try? await venue.order(clientOrderID: order.clientOrderID) }
            #expect(looked != nil && looked! == nil)
        }
    }

    @Test func theCallCounterKeepsCallsUnderKrakensLimit() async throws {
        try await Self.withVenue(tier: .pro, rateLimit: .pro) { _, venue in
            // Pro: 20 at most, one less a second. 22 calls at once would pass it; the venue spaces them instead.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<22 { group.addTask { _ = try await venue.balances() } }
                try await group.waitForAll()
            }
        }
    }
}
