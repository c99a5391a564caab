import BallastMarket
import BallastPortfolios
import Foundation
import Testing

@testable import Ingest

@Suite("A portfolio's valuation: the planner's figures, or what is known with the reason")
struct PortfolioValuationTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func inputs(cash: String = "0", holdings: [String: String], prices: [String: (String, TimeInterval)]) -> RebalanceInputs {
        RebalanceInputs(
            quoteCurrency: "USD", cash: FixedDecimal(cash)!, holdings: holdings.mapValues { FixedDecimal($0)! },
            targetWeights: ["BTC": FixedDecimal("60")!, "ETH": FixedDecimal("40")!],
            prices: prices.mapValues { AssetPrice(price: FixedDecimal($0.0)!, at: now.addingTimeInterval(-$0.1)) },
            settings: RebalanceSettings(driftThreshold: FixedDecimal("5")!))
    }

    @Test("every price usable: the planner's weights, drift and threshold")
    func priced() {
        let valuation = PortfolioValuation(
            Self.inputs(cash: "100", holdings: ["BTC": "0.01", "ETH": "1"], prices: ["BTC": ("60000", 1), "ETH": ("300", 1)]),
            now: Self.now,
            maxPriceAge: .seconds(60))
        #expect(valuation.priced && valuation.problems.isEmpty)
        #expect(valuation.value?.description == "1000")
        #expect(valuation.cashWeight?.description == "10")
        #expect(valuation.assets.map(\.asset) == ["BTC", "ETH"])
        #expect(valuation.assets.map { $0.drift?.description } == ["0", "-10"])
        #expect(valuation.maxDrift?.description == "10" && valuation.overThreshold == true)
    }

    @Test("a price too old: still valued, weights given, no threshold verdict, the asset named")
    func stale() {
        let valuation = PortfolioValuation(
            Self.inputs(holdings: ["BTC": "0.01", "ETH": "1"], prices: ["BTC": ("60000", 1), "ETH": ("400", 120)]), now: Self.now,
            maxPriceAge: .seconds(60))
        #expect(!valuation.priced && valuation.overThreshold == nil && valuation.maxDrift == nil)
        #expect(valuation.value?.description == "1000")
        #expect(valuation.assets.map { $0.weight?.description } == ["60", "40"])
        #expect(valuation.assets.map(\.problem) == [nil, "the price of ETH is 120 s old (at most 60 s)"])
        #expect(valuation.problems.first == "the price of ETH is 120 s old (at most 60 s)")
    }

    @Test("no price for an asset held: no total; no price for an asset not held: the total stands")
    func missing() {
        let held = PortfolioValuation(
            Self.inputs(cash: "50", holdings: ["BTC": "0.01"], prices: ["ETH": ("400", 1)]), now: Self.now, maxPriceAge: nil)
        #expect(!held.priced && held.value == nil && held.cashWeight == nil)
        #expect(held.assets.map(\.problem) == ["no price for BTC", nil])
        #expect(held.assets.map { $0.value?.description } == [nil, "0"])

        let notHeld = PortfolioValuation(
            Self.inputs(cash: "400", holdings: ["ETH": "1"], prices: ["ETH": ("600", 1)]), now: Self.now, maxPriceAge: nil)
        #expect(!notHeld.priced && notHeld.value?.description == "1000")
        #expect(notHeld.cashWeight?.description == "40")
        #expect(notHeld.assets.map { $0.weight?.description } == ["0", "60"])
        #expect(notHeld.assets.map { $0.drift?.description } == ["-60", "20"])
    }
}
