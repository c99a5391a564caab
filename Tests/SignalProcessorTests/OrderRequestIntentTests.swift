import BallastCore
import Foundation
import Testing

@testable import BallastTrading

/// The seed's and the TradersPost bridge's signal meanings, as `OrderRequest` reads them (`from(_:)`), settles
/// them against the open position (`sized(for:)`) and prices their relative exits (`withExits(entry:)`).
@Suite("Order requests: actions, directions, sentiment and relative exits")
struct OrderRequestIntentTests {
    static func signal(
        _ action: String, direction: String? = nil, quantity: String? = nil, sentiment: String? = nil, orderType: String = "market",
        price: String? = nil, stopLoss: String? = nil, takeProfit: String? = nil, trailingStopPercent: String? = nil,
        stopLossPercent: String? = nil, stopLossAmount: String? = nil, takeProfitPercent: String? = nil, takeProfitAmount: String? = nil
    ) -> SignalDocument {
        SignalDocument(
            id: UUID(), sourceID: UUID(), userID: UUID(), symbol: "btc-usd", action: action, direction: direction, quantity: quantity,
            price: price, orderType: orderType, stopLoss: stopLoss, takeProfit: takeProfit, strategy: "s1",
            receivedAt: instant("2026-12-03T10:00:00Z"), trailingStopPercent: trailingStopPercent, sentiment: sentiment,
            stopLossPercent: stopLossPercent, stopLossAmount: stopLossAmount, takeProfitPercent: takeProfitPercent,
            takeProfitAmount: takeProfitAmount)
    }

    static func rules(_ signal: SignalDocument) -> [String] {
        switch OrderRequest.from(signal) {
        case .success: []
        case .failure(let reasons): reasons.reasons.map(\.rule)
        }
    }

    /// The position held before the signal: 1 unit at 100, of the signal's symbol and strategy.
    enum Held: String, Sendable, CaseIterable {
        case long = "long 1", short = "short 1", noPosition = "no position"

        var position: PositionRecord? {
            let side: PositionSide
            switch self {
            case .long: side = .long
            case .short: side = .short
            case .noPosition: return nil
            }
            return PositionRecord(
                id: UUID(), accountID: UUID(), symbol: "BTC-USD", strategy: "s1",
                state: PositionState(side: side, quantity: 1, averageEntryPrice: 100, realizedPnL: 0), markPrice: nil, stopLoss: nil,
                takeProfit: nil, trailingStopPercent: nil, bestPrice: nil)
        }
    }

    // MARK: from(_:)

    struct IntentCase: Sendable, CustomTestStringConvertible {
        var action: String
        var direction: String?
        var intent: OrderRequest.Intent
        /// The side as read, for the intents whose side the signal states.
        var side: OrderSide?

        var testDescription: String { "\(action) \(direction ?? "-") → \(intent)" }
    }

    @Test(
        "action and direction decide the intent: buy/sell trade, a direction alone trades its side, a contrary direction only closes",
        arguments: [
            IntentCase(action: "buy", intent: .trade, side: .buy),
            IntentCase(action: "sell", intent: .trade, side: .sell),
            // A direction alone arrives from ingest as buy (long) or sell (short) with the direction kept.
            IntentCase(action: "buy", direction: "long", intent: .trade, side: .buy),
            IntentCase(action: "sell", direction: "short", intent: .trade, side: .sell),
            IntentCase(action: "BUY", direction: "LONG", intent: .trade, side: .buy),
            IntentCase(action: "sell", direction: "long", intent: .reduce(.long), side: .sell),
            IntentCase(action: "buy", direction: "short", intent: .reduce(.short), side: .buy),
            IntentCase(action: "exit", intent: .reduce(nil)),
            IntentCase(action: "exit", direction: "long", intent: .reduce(.long)),
            IntentCase(action: "exit", direction: "short", intent: .reduce(.short)),
            IntentCase(action: "add", intent: .add(nil)),
            IntentCase(action: "add", direction: "long", intent: .add(.long)),
            IntentCase(action: "add", direction: "short", intent: .add(.short)),
            IntentCase(action: "cancel", intent: .cancel),
        ])
    func intents(_ row: IntentCase) throws {
        let request = try OrderRequest.from(Self.signal(row.action, direction: row.direction, quantity: "1")).get()
        #expect(request.intent == row.intent)
        if let side = row.side { #expect(request.side == side) }
        #expect(request.symbol == "BTC-USD")
        #expect(request.strategy == "s1")
        #expect(request.quantity == 1)
    }

    struct ReadingCase: Sendable, CustomTestStringConvertible {
        var name: String
        var signal: SignalDocument
        var rules: [String]

        var testDescription: String { name }
    }

    @Test(
        "a quantity may be left out (the position or the account's default notional sizes the order); options and unknown words are refused by rule",
        arguments: [
            ReadingCase(name: "buy without quantity", signal: signal("buy"), rules: []),
            ReadingCase(name: "sell without quantity", signal: signal("sell"), rules: []),
            ReadingCase(name: "direction long alone", signal: signal("buy", direction: "long"), rules: []),
            ReadingCase(name: "direction short alone", signal: signal("sell", direction: "short"), rules: []),
            ReadingCase(name: "sell with direction long", signal: signal("sell", direction: "long"), rules: []),
            ReadingCase(name: "buy with direction short", signal: signal("buy", direction: "short"), rules: []),
            ReadingCase(name: "exit", signal: signal("exit"), rules: []),
            ReadingCase(name: "exit of a long", signal: signal("exit", direction: "long"), rules: []),
            ReadingCase(name: "add", signal: signal("add"), rules: []),
            ReadingCase(name: "add to a short", signal: signal("add", direction: "short"), rules: []),
            ReadingCase(name: "cancel", signal: signal("cancel"), rules: []),
            ReadingCase(name: "cancel as a limit without price", signal: signal("cancel", orderType: "limit"), rules: []),
            ReadingCase(name: "limit exit without price", signal: signal("exit", orderType: "limit"), rules: ["missing_price"]),
            ReadingCase(name: "buy to flat", signal: signal("buy", sentiment: "flat"), rules: []),
            ReadingCase(name: "sell to flat", signal: signal("sell", sentiment: "FLAT"), rules: []),
            ReadingCase(name: "buy to long", signal: signal("buy", sentiment: "long"), rules: []),
            ReadingCase(name: "add to flat", signal: signal("add", sentiment: "flat"), rules: []),
            ReadingCase(name: "call", signal: signal("buy", direction: "call", quantity: "1"), rules: []),
            ReadingCase(name: "PUT", signal: signal("buy", direction: "PUT", quantity: "1"), rules: []),
            ReadingCase(name: "call without quantity", signal: signal("buy", direction: "call"), rules: []),
            ReadingCase(name: "exit of a put", signal: signal("exit", direction: "put"), rules: []),
            ReadingCase(
                name: "a limit option", signal: signal("buy", direction: "call", quantity: "1", price: "100"),
                rules: ["invalid_option_order"]),
            // ingest reads bullish and bearish as long and short; the processor knows only the three positions.
            ReadingCase(
                name: "sentiment bullish", signal: signal("buy", quantity: "1", sentiment: "bullish"), rules: ["invalid_sentiment"]),
            // Exit prices belong to the position an order opens or grows; orders that close drop them unread.
            ReadingCase(
                name: "buy, stop above target", signal: signal("buy", quantity: "1", stopLoss: "120", takeProfit: "90"),
                rules: ["invalid_exits"]),
            ReadingCase(
                name: "sell of a long with the long's exits", signal: signal("sell", direction: "long", stopLoss: "90", takeProfit: "120"),
                rules: []),
            ReadingCase(
                name: "sell to flat with the long's exits", signal: signal("sell", sentiment: "flat", stopLoss: "90", takeProfit: "120"),
                rules: []),
            ReadingCase(
                name: "add, exits checked once sized", signal: signal("add", quantity: "1", stopLoss: "120", takeProfit: "90"), rules: []),
            ReadingCase(name: "action close", signal: signal("close", quantity: "1"), rules: ["invalid_action"]),
            ReadingCase(
                name: "stop loss of 100 %", signal: signal("buy", quantity: "1", stopLossPercent: "100"), rules: ["invalid_stopLossPercent"]
            ),
            ReadingCase(
                name: "stop loss of 0 %", signal: signal("buy", quantity: "1", stopLossPercent: "0"), rules: ["invalid_stopLossPercent"]),
            ReadingCase(
                name: "negative take profit amount", signal: signal("buy", quantity: "1", takeProfitAmount: "-5"),
                rules: ["invalid_takeProfitAmount"]),
            ReadingCase(
                name: "take profit of 150 % on a buy", signal: signal("buy", quantity: "1", takeProfitPercent: "150"), rules: []),
        ])
    func reading(_ row: ReadingCase) {
        #expect(Self.rules(row.signal) == row.rules)
    }

    @Test("an option signal reads as a call or put on its symbol, the nearest expiry and the at-the-money strike by default")
    func readingOptions() throws {
        let request = try OrderRequest.from(Self.signal("buy", direction: "Call")).get()
        #expect(request.option == OptionTerms(kind: .call, strike: nil, expiration: .nearest, selection: nil, volatility: nil))
        var selected = Self.signal("buy", direction: "put")
        selected.strikesAway = "2"
        selected.intrinsicValue = "itm"
        selected.expiration = "+7d"
        selected.volatility = "0.8"
        let terms = try #require(try OrderRequest.from(selected).get().option)
        #expect(terms.kind == .put && terms.selection == StrikeSelection(strikesAway: 2, moneyness: .itm))
        #expect(terms.expiration == .after(days: 7) && terms.volatility == Decimal(string: "0.8"))
        var bad = Self.signal("buy", direction: "call")
        bad.expiration = "soon"
        bad.stopLoss = "1"
        #expect(Self.rules(bad) == ["invalid_expiration", "invalid_option_order"])
    }

    @Test(
        "an order without a quantity is sized by the default notional at the expected price, rounded down, then checked as any other",
        arguments: [
            (Self.signal("buy"), Held.noPosition, "1000", "3", Sizing.order(.buy, "333.33333333")),
            (Self.signal("sell", direction: "short"), .short, "250", "100", .order(.sell, "2.5")),
            (Self.signal("add"), .short, "50", "100", .order(.sell, "0.5")),
            (Self.signal("buy", sentiment: "long"), .short, "50", "100", .rejected("sentiment_mismatch")),
            (Self.signal("buy", sentiment: "long"), .short, "200", "100", .order(.buy, "2")),
            (Self.signal("buy"), .noPosition, "0.000000001", "100", .rejected("missing_quantity")),
        ])
    func sizedByNotional(_ signal: SignalDocument, held: Held, notional: String, price: String, expected: Sizing) throws {
        let request = try OrderRequest.from(signal).get().sized(for: held.position).get()
        let sized = request.sized(notional: Decimal(string: notional), price: try #require(Decimal(string: price)), position: held.position)
        switch (sized, expected) {
        case (.success(let order), .order(let side, let quantity)):
            #expect(order.side == side && order.quantity == Decimal(string: quantity))
        case (.failure(let violation), .rejected(let rule)): #expect(violation.rule == rule)
        default: Issue.record("\(sized) is not \(expected)")
        }
    }

    @Test("without a default notional an order without a quantity is missing_quantity, naming the setting")
    func noDefaultNotional() throws {
        let request = try OrderRequest.from(Self.signal("buy", direction: "long")).get()
        let message = "the signal has no quantity, and the account sets no defaultOrderNotional to size it"
        #expect(
            request.sized(notional: nil, price: 100, position: nil) == .failure(RiskViolation(rule: "missing_quantity", message: message)))
    }

    // MARK: sized(for:)

    enum Sizing: Sendable, Equatable, CustomStringConvertible {
        /// The order placed: its side and quantity (exact decimal text).
        case order(OrderSide, String)
        case rejected(String)

        var description: String {
            switch self {
            case .order(let side, let quantity): "\(side.rawValue) \(quantity)"
            case .rejected(let rule): rule
            }
        }
    }

    struct SizingCase: Sendable, CustomTestStringConvertible {
        var signal: SignalDocument
        var held: Held
        var expected: Sizing

        init(
            _ action: String, _ direction: String? = nil, quantity: String? = nil, sentiment: String? = nil, held: Held, _ expected: Sizing
        ) {
            self.signal = OrderRequestIntentTests.signal(action, direction: direction, quantity: quantity, sentiment: sentiment)
            self.held = held
            self.expected = expected
        }

        var testDescription: String {
            let words = [signal.action, signal.direction, signal.quantity, signal.sentiment.map { "sentiment \($0)" }].compactMap(\.self)
            return "\(words.joined(separator: " ")) with \(held.rawValue) → \(expected)"
        }
    }

    @Test(
        "each intent against a long, a short and no position",
        arguments: [
            // A trade nets: it is never capped, and may open, reduce or turn the position.
            SizingCase("buy", quantity: "0.5", held: .noPosition, .order(.buy, "0.5")),
            SizingCase("sell", quantity: "0.5", held: .long, .order(.sell, "0.5")),
            SizingCase("sell", quantity: "2", held: .long, .order(.sell, "2")),
            SizingCase("buy", "long", quantity: "0.5", held: .short, .order(.buy, "0.5")),
            SizingCase("sell", "short", quantity: "0.5", held: .noPosition, .order(.sell, "0.5")),
            SizingCase("sell", "short", quantity: "0.5", held: .short, .order(.sell, "0.5")),
            SizingCase("sell", "short", quantity: "0.5", held: .long, .order(.sell, "0.5")),
            // A sell meaning the long (a buy meaning the short) only closes it, capped at the position.
            SizingCase("sell", "long", held: .long, .order(.sell, "1")),
            SizingCase("sell", "long", quantity: "0.4", held: .long, .order(.sell, "0.4")),
            SizingCase("sell", "long", quantity: "3", held: .long, .order(.sell, "1")),
            SizingCase("sell", "long", quantity: "0.4", held: .short, .rejected("no_position")),
            SizingCase("sell", "long", held: .noPosition, .rejected("no_position")),
            SizingCase("buy", "short", held: .short, .order(.buy, "1")),
            SizingCase("buy", "short", quantity: "5", held: .short, .order(.buy, "1")),
            SizingCase("buy", "short", held: .long, .rejected("no_position")),
            SizingCase("buy", "short", quantity: "1", held: .noPosition, .rejected("no_position")),
            // exit closes whichever side is held, all of it or the quantity sent, capped.
            SizingCase("exit", held: .long, .order(.sell, "1")),
            SizingCase("exit", held: .short, .order(.buy, "1")),
            SizingCase("exit", quantity: "0.25", held: .short, .order(.buy, "0.25")),
            SizingCase("exit", quantity: "7", held: .long, .order(.sell, "1")),
            SizingCase("exit", held: .noPosition, .rejected("no_position")),
            SizingCase("exit", "long", held: .short, .rejected("no_position")),
            SizingCase("exit", "short", held: .short, .order(.buy, "1")),
            // add grows the position on its own side.
            SizingCase("add", quantity: "0.3", held: .long, .order(.buy, "0.3")),
            SizingCase("add", quantity: "0.3", held: .short, .order(.sell, "0.3")),
            SizingCase("add", quantity: "0.3", held: .noPosition, .rejected("no_position")),
            SizingCase("add", "short", quantity: "0.3", held: .long, .rejected("no_position")),
            SizingCase("add", "long", quantity: "0.3", held: .long, .order(.buy, "0.3")),
            // A flat sentiment closes the whole position, whatever the quantity.
            SizingCase("buy", quantity: "5", sentiment: "flat", held: .short, .order(.buy, "1")),
            SizingCase("sell", sentiment: "flat", held: .long, .order(.sell, "1")),
            SizingCase("sell", quantity: "0.2", sentiment: "flat", held: .long, .order(.sell, "1")),
            SizingCase("buy", sentiment: "flat", held: .long, .rejected("sentiment_mismatch")),
            SizingCase("sell", quantity: "1", sentiment: "flat", held: .short, .rejected("sentiment_mismatch")),
            SizingCase("buy", sentiment: "flat", held: .noPosition, .rejected("no_position")),
            SizingCase("exit", quantity: "0.4", sentiment: "flat", held: .long, .order(.sell, "1")),
            SizingCase("sell", "long", quantity: "0.4", sentiment: "flat", held: .long, .order(.sell, "1")),
            SizingCase("add", quantity: "0.3", sentiment: "flat", held: .long, .rejected("sentiment_mismatch")),
            // long and short: the position after the trade must be that side.
            SizingCase("buy", quantity: "0.5", sentiment: "long", held: .noPosition, .order(.buy, "0.5")),
            SizingCase("buy", quantity: "1", sentiment: "long", held: .short, .rejected("sentiment_mismatch")),
            SizingCase("buy", quantity: "1.5", sentiment: "long", held: .short, .order(.buy, "1.5")),
            SizingCase("sell", quantity: "0.5", sentiment: "short", held: .long, .rejected("sentiment_mismatch")),
            SizingCase("sell", quantity: "2", sentiment: "short", held: .long, .order(.sell, "2")),
            SizingCase("sell", quantity: "0.5", sentiment: "long", held: .long, .order(.sell, "0.5")),
            SizingCase("sell", "long", quantity: "0.5", sentiment: "long", held: .long, .order(.sell, "0.5")),
            SizingCase("sell", "long", sentiment: "long", held: .long, .rejected("sentiment_mismatch")),
            SizingCase("add", quantity: "0.3", sentiment: "short", held: .short, .order(.sell, "0.3")),
            SizingCase("add", quantity: "0.3", sentiment: "long", held: .short, .rejected("sentiment_mismatch")),
        ])
    func sizing(_ row: SizingCase) throws {
        let request = try OrderRequest.from(row.signal).get()
        let sized: Sizing =
            switch request.sized(for: row.held.position) {
            case .success(let order): .order(order.side, try #require(order.quantity).plainText)
            case .failure(let violation): .rejected(violation.rule)
            }
        #expect(sized == row.expected)
    }

    @Test("a cancel is not sized: it passes whatever the position")
    func cancelNotSized() throws {
        let request = try OrderRequest.from(Self.signal("cancel")).get()
        for held in Held.allCases { #expect(try request.sized(for: held.position).get() == request) }
    }

    @Test(
        "the reasons name the position that is missing or what the trade would leave",
        arguments: [
            (SizingCase("exit", held: .noPosition, .rejected("no_position")), "no open position of BTC-USD in strategy s1 to close"),
            (
                SizingCase("sell", "long", held: .short, .rejected("no_position")),
                "no open long position of BTC-USD in strategy s1 to close"
            ),
            (
                SizingCase("add", quantity: "1", held: .noPosition, .rejected("no_position")),
                "no open position of BTC-USD in strategy s1 to add to"
            ),
            (
                SizingCase("add", "short", quantity: "1", held: .long, .rejected("no_position")),
                "no open short position of BTC-USD in strategy s1 to add to"
            ),
            (
                SizingCase("buy", sentiment: "flat", held: .noPosition, .rejected("no_position")),
                "no open position of BTC-USD in strategy s1 to close to flat"
            ),
            (
                SizingCase("buy", sentiment: "flat", held: .long, .rejected("sentiment_mismatch")),
                "a buy cannot leave the long position of 1 of BTC-USD flat"
            ),
            (
                SizingCase("sell", quantity: "0.5", sentiment: "short", held: .long, .rejected("sentiment_mismatch")),
                "sentiment is short, but this sell leaves a long position of BTC-USD"
            ),
            (
                SizingCase("buy", quantity: "1", sentiment: "long", held: .short, .rejected("sentiment_mismatch")),
                "sentiment is long, but this buy leaves no position of BTC-USD"
            ),
            (
                SizingCase("add", quantity: "0.3", sentiment: "flat", held: .long, .rejected("sentiment_mismatch")),
                "sentiment is flat, but this buy leaves a long position of BTC-USD"
            ),
        ])
    func sizingMessages(_ row: SizingCase, message: String) throws {
        let request = try OrderRequest.from(row.signal).get()
        guard case .rejected(let rule) = row.expected else { return }
        #expect(request.sized(for: row.held.position) == .failure(RiskViolation(rule: rule, message: message)))
    }

    @Test(
        "an exit, a reduce-only order and a flat sentiment of the whole position close it (and cancel its open orders); a part, a plain trade or an add do not",
        arguments: [
            (Self.signal("exit"), Held.long, true), (Self.signal("exit", quantity: "5"), .short, true),
            (Self.signal("exit", quantity: "0.5"), .long, false), (Self.signal("sell", direction: "long"), .long, true),
            (Self.signal("buy", direction: "short", quantity: "1"), .short, true),
            (Self.signal("sell", quantity: "0.2", sentiment: "flat"), .long, true), (Self.signal("sell", quantity: "1"), .long, false),
            (Self.signal("add", quantity: "1"), .long, false), (Self.signal("buy", quantity: "1"), .noPosition, false),
        ])
    func closesPosition(_ signal: SignalDocument, held: Held, closes: Bool) throws {
        let sized = try OrderRequest.from(signal).get().sized(for: held.position).get()
        #expect(sized.closes(held.position) == closes)
    }

    @Test("orders that close clear every exit; an add keeps its own")
    func exitsCleared() throws {
        func withExits(_ action: String, _ direction: String? = nil, quantity: String? = nil, sentiment: String? = nil) -> SignalDocument {
            Self.signal(
                action, direction: direction, quantity: quantity, sentiment: sentiment, stopLoss: "90", takeProfit: "120",
                trailingStopPercent: "3", stopLossPercent: "5", takeProfitAmount: "10")
        }
        let closing = [
            (withExits("exit"), Held.long), (withExits("sell", "long"), .long), (withExits("buy", "short"), .short),
            (withExits("sell", sentiment: "flat"), .long), (withExits("exit", quantity: "0.5"), .short),
        ]
        for (signal, held) in closing {
            let sized = try OrderRequest.from(signal).get().sized(for: held.position).get()
            #expect(sized.stopLoss == nil && sized.takeProfit == nil && sized.trailingStopPercent == nil)
            #expect(sized.relativeExits == OrderRequest.RelativeExits())
            #expect(try sized.withExits(entry: 100).get() == sized)
        }
        let added = try OrderRequest.from(withExits("add", quantity: "0.5")).get().sized(for: Held.long.position).get()
        #expect(added.stopLoss == 90 && added.takeProfit == 120 && added.trailingStopPercent == 3)
        #expect(added.relativeExits == OrderRequest.RelativeExits(stopLossPercent: 5, takeProfitAmount: 10))
    }

    // MARK: withExits(entry:)

    struct ExitsCase: Sendable, CustomTestStringConvertible {
        var name: String
        var signal: SignalDocument
        var entry: Decimal
        /// The stop loss and take profit placed, or the failing rule.
        var expected: Result<[Decimal?], RiskViolation>

        var testDescription: String { name }
    }

    static func exits(
        _ name: String, _ side: String, entry: String, stopLoss: String? = nil, takeProfit: String? = nil, slPercent: String? = nil,
        slAmount: String? = nil, tpPercent: String? = nil, tpAmount: String? = nil, _ expected: Result<[Decimal?], RiskViolation>
    ) -> ExitsCase {
        ExitsCase(
            name: name,
            signal: signal(
                side, quantity: "1", stopLoss: stopLoss, takeProfit: takeProfit, stopLossPercent: slPercent, stopLossAmount: slAmount,
                takeProfitPercent: tpPercent, takeProfitAmount: tpAmount),
            entry: decimal(entry), expected: expected)
    }

    static func prices(_ stopLoss: String?, _ takeProfit: String?) -> Result<[Decimal?], RiskViolation> {
        .success([stopLoss.map(decimal), takeProfit.map(decimal)])
    }

    static func invalid(_ message: String) -> Result<[Decimal?], RiskViolation> {
        .failure(RiskViolation(rule: "invalid_exits", message: message))
    }

    @Test(
        "relative exits become prices around the expected fill: below a buy's entry for the stop, above for the target; mirrored for a sell",
        arguments: [
            exits("buy, 5 % stop, 10 target", "buy", entry: "100", slPercent: "5", tpAmount: "10", prices("95", "110")),
            exits("sell, 5 % stop, 10 target", "sell", entry: "100", slPercent: "5", tpAmount: "10", prices("105", "90")),
            exits("buy, 2.5 stop, 12.5 % target", "buy", entry: "100", slAmount: "2.5", tpPercent: "12.5", prices("97.5", "112.5")),
            exits("sell at a taker price", "sell", entry: "50025", slPercent: "2", tpPercent: "3", prices("51025.5", "48524.25")),
            exits("buy, stop only", "buy", entry: "49000", slPercent: "5", prices("46550", nil)),
            exits("sell, target only", "sell", entry: "49000", tpAmount: "1000.5", prices(nil, "47999.5")),
            exits(
                "rounded to 8 places", "buy", entry: "33.33333333", slPercent: "3", tpPercent: "1",
                prices("32.33333333", "33.66666666")),
            exits("relative stop beside a target price", "buy", entry: "100", takeProfit: "120", slPercent: "5", prices("95", "120")),
            exits("stop price beside a relative target", "sell", entry: "100", stopLoss: "104", tpAmount: "7", prices("104", "93")),
            exits("no exits", "buy", entry: "100", prices(nil, nil)),
            exits(
                "a buy's stop amount at the entry", "buy", entry: "100", slAmount: "100",
                invalid("the stop loss 0 for an entry at 100 is not a price")),
            exits(
                "a buy's stop amount beyond the entry", "buy", entry: "100", slAmount: "150",
                invalid("the stop loss -50 for an entry at 100 is not a price")),
            exits(
                "a sell's target of 100 %", "sell", entry: "100", tpPercent: "100",
                invalid("the take profit 0 for an entry at 100 is not a price")),
            exits(
                "a sell's target amount beyond the entry", "sell", entry: "80", tpAmount: "80.5",
                invalid("the take profit -0.5 for an entry at 80 is not a price")),
            exits(
                "a buy's relative stop above its target price", "buy", entry: "100", takeProfit: "90", slPercent: "5",
                invalid("for a buy, the stop loss 95 must be on the other side of the take profit 90")),
            exits(
                "a sell's relative stop below its target price", "sell", entry: "100", takeProfit: "115", slAmount: "10",
                invalid("for a sell, the stop loss 110 must be on the other side of the take profit 115")),
            exits(
                "a buy's stop price above its relative target", "buy", entry: "100", stopLoss: "120", tpAmount: "10",
                invalid("for a buy, the stop loss 120 must be on the other side of the take profit 110")),
        ])
    func relativeExits(_ row: ExitsCase) throws {
        let request = try OrderRequest.from(row.signal).get()
        let placed = request.withExits(entry: row.entry).map { [$0.stopLoss, $0.takeProfit] }
        #expect(placed == row.expected)
        if case .success(let order) = request.withExits(entry: row.entry) {
            #expect(order.relativeExits == OrderRequest.RelativeExits())
            #expect(order.quantity == request.quantity && order.side == request.side && order.price == request.price)
        }
    }

    @Test("an add's exit prices are checked once the position gives it a side")
    func addExitsChecked() throws {
        let add = try OrderRequest.from(Self.signal("add", quantity: "1", stopLoss: "110", takeProfit: "90")).get()
        let onLong = try add.sized(for: Held.long.position).get()
        #expect(
            onLong.withExits(entry: 100)
                == .failure(
                    RiskViolation(
                        rule: "invalid_exits", message: "for a buy, the stop loss 110 must be on the other side of the take profit 90"))
        )
        let onShort = try add.sized(for: Held.short.position).get()
        #expect(try onShort.withExits(entry: 100).get() == onShort)

        let relative = try OrderRequest.from(Self.signal("add", quantity: "1", stopLossPercent: "10", takeProfitAmount: "5")).get()
        let shortAdd = try relative.sized(for: Held.short.position).get().withExits(entry: 100).get()
        #expect(shortAdd.stopLoss == 110 && shortAdd.takeProfit == 95)
        let longAdd = try relative.sized(for: Held.long.position).get().withExits(entry: 100).get()
        #expect(longAdd.stopLoss == 90 && longAdd.takeProfit == 105)
    }
}
