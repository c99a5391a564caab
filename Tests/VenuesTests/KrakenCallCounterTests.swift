import BallastVenues
import Testing

@Suite struct KrakenCallCounterTests {
    @Test(arguments: [
        (KrakenRateTier.starter, 15, Duration.milliseconds(3030)),
        (.intermediate, 20, .seconds(2)),
        (.pro, 20, .seconds(1)),
    ])
    func tiersFollowKrakensTable(tier: KrakenRateTier, maximum: Int, decay: Duration) {
        #expect(tier.maximum == maximum)
        #expect(tier.decayInterval == decay)
    }

    @Test func callsGoAtOnceUntilTheCounterIsFullThenAtTheDecayRate() {
        var counter = KrakenCallCounter(tier: .pro)
        #expect(counter.capacity == 19)
        let start = Duration.seconds(100)
        // 19 calls of cost 1 at the same instant fit (one point kept spare below Kraken's 20).
        for _ in 0..<19 { #expect(counter.reserve(cost: 1, at: start) == .zero) }
        #expect(counter.backlog(at: start) == .seconds(19))
        // The 20th waits for one point to decay, the 21st for two.
        #expect(counter.reserve(cost: 1, at: start) == .seconds(1))
        #expect(counter.reserve(cost: 1, at: start) == .seconds(2))
        // Later, the counter has decayed: 21 points were counted, 11 s have passed.
        #expect(counter.backlog(at: start + .seconds(11)) == .seconds(10))
        #expect(counter.reserve(cost: 1, at: start + .seconds(11)) == .zero)
    }

    @Test func tradeHistoryCostsTwoAndOrdersNothing() {
        #expect(KrakenCallCounter.cost(of: "TradesHistory") == 2)
        #expect(KrakenCallCounter.cost(of: "Ledgers") == 2)
        #expect(KrakenCallCounter.cost(of: "QueryLedgers") == 2)
        #expect(KrakenCallCounter.cost(of: "AddOrder") == 0)
        #expect(KrakenCallCounter.cost(of: "CancelOrder") == 0)
        #expect(KrakenCallCounter.cost(of: "Balance") == 1)
        #expect(KrakenCallCounter.cost(of: "QueryOrders") == 1)

        var counter = KrakenCallCounter(tier: .starter)
        #expect(counter.capacity == 14)
        for _ in 0..<7 { #expect(counter.reserve(cost: 2, at: .zero) == .zero) }
        // 14 points counted: the next TradesHistory waits for two points at 3.03 s each.
        #expect(counter.reserve(cost: 2, at: .zero) == .milliseconds(6060))
        // Orders do not touch the REST counter.
        #expect(counter.reserve(cost: 0, at: .zero) == .zero)
    }

    @Test func theCounterDecaysToZeroAndNoLower() {
        var counter = KrakenCallCounter(tier: .intermediate)
        _ = counter.reserve(cost: 3, at: .seconds(10))
        #expect(counter.backlog(at: .seconds(10)) == .seconds(6))
        #expect(counter.backlog(at: .seconds(13)) == .seconds(3))
        #expect(counter.backlog(at: .seconds(60)) == .zero)
        // A long idle time does not bank credit: after it, only the capacity fits at once.
        for _ in 0..<19 { #expect(counter.reserve(cost: 1, at: .seconds(60)) == .zero) }
        #expect(counter.reserve(cost: 1, at: .seconds(60)) == .seconds(2))
    }

    @Test func krakensRefusalFillsTheCounter() {
        var counter = KrakenCallCounter(tier: .pro)
        counter.noteExceeded(at: .seconds(5))
        #expect(counter.backlog(at: .seconds(5)) == .seconds(20))
        // Full at Kraken's 20 while this model allows 19: the next call waits two points.
        #expect(counter.reserve(cost: 1, at: .seconds(5)) == .seconds(2))
    }
}
