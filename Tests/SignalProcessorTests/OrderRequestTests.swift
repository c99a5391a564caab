import BallastCore
import Foundation
import Testing

@testable import BallastTrading

@Suite("Order requests read from signals")
struct OrderRequestTests {
    static func signal(
        _ action: String = "buy", quantity: String? = "0.5", orderType: String = "market", price: String? = nil,
        trailingStopPercent: String? = nil, timeInForce: String? = nil, expiresAt: Date? = nil
    ) -> SignalDocument {
        SignalDocument(
            id: UUID(), sourceID: UUID(), userID: UUID(), symbol: "btc-usd", action: action, quantity: quantity, price: price,
            orderType: orderType, receivedAt: instant("2026-12-03T10:00:00Z"), timeInForce: timeInForce, expiresAt: expiresAt,
            trailingStopPercent: trailingStopPercent)
    }

    static func rules(_ signal: SignalDocument) -> [String] {
        switch OrderRequest.from(signal) {
        case .success: []
        case .failure(let reasons): reasons.reasons.map(\.rule)
        }
    }

    @Test("a limit order with a trailing stop is read exactly; market orders are immediate or cancel")
    func valid() throws {
        let request = try OrderRequest.from(
            Self.signal(orderType: "LIMIT", price: "49000.12345678", trailingStopPercent: "2.5", timeInForce: "Day")
        ).get()
        #expect(request.symbol == "BTC-USD")
        #expect(request.price == decimal("49000.12345678"))
        #expect(request.trailingStopPercent == decimal("2.5"))
        #expect(request.timeInForce == .day)
        #expect(try OrderRequest.from(Self.signal(timeInForce: "gtc")).get().timeInForce == .ioc)
    }

    @Test(
        "a bad trailing stop is rejected with its rule",
        arguments: ["0", "100", "150", "-1", "abc", "0.000000001"])
    func badTrailingStop(_ percent: String) {
        #expect(Self.rules(Self.signal(trailingStopPercent: percent)) == ["invalid_trailingStopPercent"])
    }

    @Test("every reason a signal cannot become an order is reported at once")
    func everyReason() {
        let signal = Self.signal("hold", quantity: "-1", orderType: "limit", timeInForce: "gtd")
        #expect(
            Set(Self.rules(signal)) == [
                "invalid_action", "invalid_quantity", "missing_price", "missing_expires_at",
            ])
        #expect(Self.rules(Self.signal(quantity: nil)).isEmpty, "sized later, by the account's default notional")
        #expect(Self.rules(Self.signal(timeInForce: "fok")) == ["invalid_time_in_force"])
        let past = instant("2026-12-03T09:00:00Z")
        #expect(Self.rules(Self.signal(orderType: "limit", price: "1", timeInForce: "gtd", expiresAt: past)) == ["invalid_expires_at"])
    }
}

@Suite("Exit rules")
struct ExitRulesTests {
    static func position(
        _ side: PositionSide, entry: String, best: String? = nil, stop: String? = nil, target: String? = nil, trailing: String? = nil
    ) -> PositionRecord {
        PositionRecord(
            id: UUID(), accountID: UUID(), symbol: "BTC-USD", strategy: "",
            state: PositionState(side: side, quantity: 1, averageEntryPrice: decimal(entry), realizedPnL: 0), markPrice: nil,
            stopLoss: stop.map(decimal), takeProfit: target.map(decimal), trailingStopPercent: trailing.map(decimal),
            bestPrice: best.map(decimal))
    }

    @Test("a long's trailing stop fires at the first price that far below the best seen, counting prices in the same batch")
    func trailingLong() throws {
        let position = Self.position(.long, entry: "100", best: "100", trailing: "10")
        #expect(ExitRules.firstTrigger(for: position, prices: ["95", "91"].map(decimal)) == nil)
        let (reason, price) = try #require(ExitRules.firstTrigger(for: position, prices: ["120", "109", "107.9", "100"].map(decimal)))
        #expect(reason == .trailingStop && price == decimal("107.9"))
    }

    @Test("a short's trailing stop fires above its lowest price; its stop loss and take profit are mirrored")
    func short() throws {
        let trailing = Self.position(.short, entry: "100", best: "80", trailing: "10")
        #expect(ExitRules.firstTrigger(for: trailing, prices: [decimal("87.99")]) == nil)
        #expect(ExitRules.firstTrigger(for: trailing, prices: [decimal("88")])?.0 == .trailingStop)
        let bounded = Self.position(.short, entry: "100", stop: "110", target: "90")
        #expect(ExitRules.firstTrigger(for: bounded, prices: [decimal("105"), decimal("110")])?.0 == .stopLoss)
        #expect(ExitRules.firstTrigger(for: bounded, prices: [decimal("90")])?.0 == .takeProfit)
    }
}
