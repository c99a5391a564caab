import BallastCore
import Foundation
import PostgresNIO
import Testing

@testable import BallastTrading

/// The seed's and the TradersPost bridge's signals (direction alone, `exit`, `add`, `cancel`, `sentiment`,
/// relative exits) through the real executor, for one paper account on a fresh database. The last price is
/// 50000: a buy takes 50025, a sell 49975 (5 bps of slippage), and pays 10 bps of taker fee.
@Suite("Bridge signals: direction, exit, add, cancel, sentiment and relative exits, with real Postgres and Redis")
struct BridgeSignalExecutionTests {
    struct UnexpectedOutcome: Error {}

    /// The id of the order `outcome` placed, which must have `status`.
    static func order(_ outcome: SignalOutcome, _ status: OrderStatus, sourceLocation: SourceLocation = #_sourceLocation) throws -> UUID {
        if case .ordered(let id, status) = outcome { return id }
        Issue.record("expected an order \(status.rawValue), got \(outcome)", sourceLocation: sourceLocation)
        throw UnexpectedOutcome()
    }

    /// The rule names of a rejection; empty for any other outcome.
    static func rules(_ outcome: SignalOutcome) -> [String] {
        if case .rejected(let reasons) = outcome { return reasons.map(\.rule) }
        return []
    }

    @Test(
        "direction long opens, add grows, sell with direction long closes part, exit closes the rest, a second exit finds no position"
    )
    func lifecycle() async throws {
        try await PaperTradingFixture.with { fixture in
            let base = String(fixture.symbol.dropLast(4))
            // The seed's signal: direction long alone, which ingest turns into a buy.
            let open = try await fixture.executor.execute(fixture.bridgeSignal("buy", direction: "long", quantity: "1"))
            _ = try Self.order(open, .filled)
            #expect(try await fixture.positions() == ["long 1 @ 50025 open"])

            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("add", quantity: "0.5")), .filled)
            #expect(try await fixture.positions() == ["long 1.5 @ 50025 open"])

            // A template that sends the long's exits with every alert: the closing order drops them.
            let partial = fixture.bridgeSignal("sell", direction: "long", quantity: "0.4", stopLoss: "45000", takeProfit: "60000")
            let partialID = try Self.order(try await fixture.executor.execute(partial), .filled)
            #expect(try await fixture.exits(order: partialID) == "- -")
            #expect(try await fixture.positions() == ["long 1.1 @ 50025 open"])
            #expect(try await fixture.balance(base).available == dec("1.1"))

            let exit = fixture.bridgeSignal("exit")
            _ = try Self.order(try await fixture.executor.execute(exit), .filled)
            #expect(try await fixture.positions() == ["long 0 @ 50025 closed"])
            #expect(
                try await fixture.orders() == [
                    "buy 1 filled", "buy 0.5 filled", "sell 0.4 filled", "sell 1.1 filled",
                ])
            // Bought 1.5 at 50025, sold 1.5 at 49975: 75 of price loss; fees 50.025 + 25.0125 + 19.99 + 54.9725 = 150.
            #expect(try await fixture.decimal("SELECT realized_pnl FROM positions") == dec("-225"))
            #expect(try await fixture.balance("USD").available == dec("99775"))
            #expect(try await fixture.balance(base).available == 0)

            let again = try await fixture.executor.execute(fixture.bridgeSignal("exit"))
            let message = "no open position of \(fixture.symbol) in strategy bridge to close"
            #expect(again == .rejected([RiskViolation(rule: "no_position", message: message)]))
            // Without a quantity there is no order to record, only the decision.
            #expect(try await fixture.database.count("SELECT count(*) FROM orders") == 4)
            #expect(
                try await fixture.strings(
                    "SELECT status || ' ' || coalesce(reasons->0->>'rule', '-') FROM signal_decisions ORDER BY received_at")
                    == ["accepted -", "accepted -", "accepted -", "accepted -", "rejected no_position"])
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test(
        "an exit while a resting sell holds part of the long sells the whole long, cancels the resting orders and leaves nothing locked"
    )
    func exitCancelsRestingOrders() async throws {
        try await PaperTradingFixture.with { fixture in
            let base = String(fixture.symbol.dropLast(4))
            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("buy", quantity: "1")), .filled)
            let takeProfit = try Self.order(
                try await fixture.executor.execute(
                    fixture.bridgeSignal("sell", direction: "long", quantity: "0.4", orderType: "limit", price: "52000")), .new)
            let entry = try Self.order(
                try await fixture.executor.execute(fixture.bridgeSignal("buy", quantity: "0.5", orderType: "limit", price: "49000")), .new)
            let otherStrategy = try Self.order(
                try await fixture.executor.execute(
                    fixture.bridgeSignal("buy", quantity: "0.1", orderType: "limit", price: "47000", strategy: "other")), .new)
            #expect(try await fixture.balance(base).locked == dec("0.4"))

            let exit = fixture.bridgeSignal("exit")
            _ = try Self.order(try await fixture.executor.execute(exit), .filled)
            #expect(try await fixture.positions() == ["long 0 @ 50025 closed"])
            let reason = "canceled: signal \(exit.id.uuidString.lowercased()) closes the position"
            #expect(
                try await fixture.strings(
                    """
                    SELECT status || ' ' || trim_scale(locked_amount) || ' ' || coalesce(reason, '-') FROM orders
                    WHERE id = ANY(\([takeProfit, entry, otherStrategy])) ORDER BY received_at
                    """
                ) == ["canceled 0 \(reason)", "canceled 0 \(reason)", "new 4704.7 -"])
            #expect(try await fixture.balance(base) == Balance(asset: base, available: 0, locked: 0))
            #expect(try await fixture.balance("USD").locked == dec("4704.7"))
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("an ioc limit exit the market is not at closes nothing, so it cancels nothing: the resting orders stay open")
    func unfilledExitKeepsRestingOrders() async throws {
        try await PaperTradingFixture.with { fixture in
            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("buy", quantity: "1")), .filled)
            let resting = try Self.order(
                try await fixture.executor.execute(fixture.bridgeSignal("buy", quantity: "0.5", orderType: "limit", price: "49000")), .new)
            var exit = fixture.bridgeSignal("exit", orderType: "limit", price: "200000")
            exit.timeInForce = "ioc"
            _ = try Self.order(try await fixture.executor.execute(exit), .canceled)
            #expect(try await fixture.positions() == ["long 1 @ 50025 open"])
            #expect(try await fixture.strings("SELECT status FROM orders WHERE id = \(resting)") == ["new"])
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("an exit, add or cancel of an unknown ticker records no order: its side would be a guess")
    func unknownTickerRecordsNoOrder() async throws {
        try await PaperTradingFixture.with { fixture in
            for action in ["exit", "add", "cancel"] {
                var signal = fixture.bridgeSignal(action, quantity: "1")
                signal.symbol = "NOSUCHUSD"
                let outcome = try await fixture.executor.execute(signal)
                #expect(Self.rules(outcome) == ["unknown_symbol"], "\(action)")
            }
            let orders = try await fixture.database.count("SELECT count(*) FROM orders")
            #expect(orders == 0)
        }
    }

    @Test("a flat sentiment on a short cancels its resting orders before buying it back")
    func flatCancelsRestingOrders() async throws {
        try await PaperTradingFixture.with(allowShort: true) { fixture in
            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("sell", quantity: "1")), .filled)
            let cover = try Self.order(
                try await fixture.executor.execute(
                    fixture.bridgeSignal("buy", direction: "short", quantity: "0.5", orderType: "limit", price: "45000")), .new)
            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("buy", sentiment: "flat")), .filled)
            #expect(try await fixture.positions() == ["short 0 @ 49975 closed"])
            #expect(try await fixture.strings("SELECT status FROM orders WHERE id = \(cover)") == ["canceled"])
            #expect(try await fixture.balance("USD").locked == 0)
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("sell with direction long is capped at the long and never opens a short; buy with direction short needs a short")
    func reduceOnly() async throws {
        try await PaperTradingFixture.with(allowShort: true) { fixture in
            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("buy", quantity: "1")), .filled)
            let wrongSide = try await fixture.executor.execute(fixture.bridgeSignal("buy", direction: "short", quantity: "1"))
            let message = "no open short position of \(fixture.symbol) in strategy bridge to close"
            #expect(wrongSide == .rejected([RiskViolation(rule: "no_position", message: message)]))

            // Shorting is allowed, yet a sell meaning the long stops at the long's size.
            _ = try Self.order(
                try await fixture.executor.execute(fixture.bridgeSignal("sell", direction: "long", quantity: "3")), .filled)
            #expect(try await fixture.positions() == ["long 0 @ 50025 closed"])
            #expect(try await fixture.orders() == ["buy 1 filled", "sell 1 filled"])
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("direction short alone is a plain sell: it opens and grows a short, and nets a long first")
    func directionShort() async throws {
        try await PaperTradingFixture.with(allowShort: true) { fixture in
            _ = try Self.order(
                try await fixture.executor.execute(fixture.bridgeSignal("sell", direction: "short", quantity: "1")), .filled)
            _ = try Self.order(
                try await fixture.executor.execute(fixture.bridgeSignal("sell", direction: "short", quantity: "0.5")), .filled)
            #expect(try await fixture.positions() == ["short 1.5 @ 49975 open"])
            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("buy", direction: "short")), .filled)
            #expect(try await fixture.positions() == ["short 0 @ 49975 closed"])

            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("buy", direction: "long", quantity: "1")), .filled)
            _ = try Self.order(
                try await fixture.executor.execute(fixture.bridgeSignal("sell", direction: "short", quantity: "0.4")), .filled)
            #expect(try await fixture.positions() == ["short 0 @ 49975 closed", "long 0.6 @ 50025 open"])
            #expect(try await fixture.balancesMatchLedger())
        }

        // Without shorting, a short from flat is refused like any sell beyond the position.
        try await PaperTradingFixture.with { fixture in
            let outcome = try await fixture.executor.execute(fixture.bridgeSignal("sell", direction: "short", quantity: "1"))
            #expect(Self.rules(outcome) == ["short_selling"])
        }
    }

    @Test("cancel ends every resting order of its symbol and strategy, releasing their locks; other strategies keep theirs")
    func cancelResting() async throws {
        try await PaperTradingFixture.with { fixture in
            let base = String(fixture.symbol.dropLast(4))
            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("buy", quantity: "1")), .filled)
            let buyLimit = try Self.order(
                try await fixture.executor.execute(fixture.bridgeSignal("buy", quantity: "0.5", orderType: "limit", price: "49000")), .new)
            let sellLimit = try Self.order(
                try await fixture.executor.execute(
                    fixture.bridgeSignal("sell", direction: "long", quantity: "0.4", orderType: "limit", price: "52000")), .new)
            let otherStrategy = try Self.order(
                try await fixture.executor.execute(
                    fixture.bridgeSignal("buy", quantity: "0.1", orderType: "limit", price: "47000", strategy: "other")), .new)
            // 0.5 × 49000 + 10 bps = 24524.5 and 0.1 × 47000 + 10 bps = 4704.7 of cash; 0.4 of the base asset.
            let cashAfterBuy = dec("100000") - dec("50025") - dec("50.025")
            #expect(try await fixture.balance("USD").locked == dec("29229.2"))
            #expect(try await fixture.balance(base).locked == dec("0.4"))
            #expect(try await fixture.balancesMatchLedger())

            let cancel = fixture.bridgeSignal("cancel")
            #expect(try await fixture.executor.execute(cancel) == .canceled(orderIDs: [buyLimit, sellLimit]))
            let reason = "canceled by signal \(cancel.id.uuidString.lowercased())"
            #expect(
                try await fixture.strings(
                    """
                    SELECT status || ' ' || trim_scale(locked_amount) || ' ' || coalesce(reason, '-') FROM orders
                    WHERE id = ANY(\([buyLimit, sellLimit, otherStrategy])) ORDER BY received_at
                    """
                ) == ["canceled 0 \(reason)", "canceled 0 \(reason)", "new 4704.7 -"])
            #expect(
                try await fixture.balance("USD") == Balance(asset: "USD", available: cashAfterBuy - dec("4704.7"), locked: dec("4704.7")))
            #expect(try await fixture.balance(base) == Balance(asset: base, available: 1, locked: 0))
            #expect(try await fixture.strings("SELECT status FROM signal_decisions WHERE signal_id = \(cancel.id)") == ["accepted"])
            #expect(
                try await fixture.events().suffix(4) == ["order.canceled", "balance.unlocked", "order.canceled", "balance.unlocked"])
            #expect(try await fixture.balancesMatchLedger())

            let nothingLeft = try await fixture.executor.execute(fixture.bridgeSignal("cancel"))
            let message = "no open orders of \(fixture.symbol) in strategy bridge to cancel"
            #expect(nothingLeft == .rejected([RiskViolation(rule: "no_open_orders", message: message)]))
            #expect(try await fixture.database.count("SELECT count(*) FROM orders WHERE status = 'rejected'") == 0)
        }
    }

    @Test("a cancel in the same batch as the limit order it cancels leaves the order canceled and the funds released")
    func cancelInBatch() async throws {
        try await PaperTradingFixture.with { fixture in
            let limit = fixture.bridgeSignal("buy", quantity: "1", orderType: "limit", price: "49000")
            let market = fixture.bridgeSignal("buy", quantity: "0.2")
            let cancel = fixture.bridgeSignal("cancel")
            let outcomes = try await fixture.executor.execute(user: fixture.userID, [limit, market, cancel])
            #expect(outcomes.count == 3)
            let limitID = try Self.order(outcomes[0], .new)
            let marketID = try Self.order(outcomes[1], .filled)
            #expect(outcomes[2] == .canceled(orderIDs: [limitID]))
            #expect(
                try await fixture.strings("SELECT id::text || ' ' || status FROM orders ORDER BY received_at") == [
                    "\(limitID.uuidString.lowercased()) canceled", "\(marketID.uuidString.lowercased()) filled",
                ])
            #expect(try await fixture.decimal("SELECT locked_amount FROM orders WHERE id = \(limitID)") == 0)
            // Only the market buy spent anything: 0.2 × 50025 and its fee of 10.005.
            #expect(try await fixture.balance("USD") == Balance(asset: "USD", available: dec("89984.995"), locked: 0))
            #expect(
                try await fixture.events() == [
                    "order.created", "order.created", "trade.executed", "order.filled", "position.opened", "order.canceled",
                    "balance.unlocked",
                ])
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("sentiment flat closes the whole position whatever the quantity, on either side; with no position it is refused")
    func sentimentFlat() async throws {
        try await PaperTradingFixture.with(allowShort: true) { fixture in
            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("buy", quantity: "1")), .filled)
            _ = try Self.order(
                try await fixture.executor.execute(fixture.bridgeSignal("sell", quantity: "0.3", sentiment: "flat")), .filled)
            #expect(try await fixture.positions() == ["long 0 @ 50025 closed"])

            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("sell", quantity: "0.8")), .filled)
            _ = try Self.order(
                try await fixture.executor.execute(fixture.bridgeSignal("exit", quantity: "0.2", sentiment: "flat")), .filled)
            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("sell", quantity: "0.5")), .filled)
            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("buy", sentiment: "flat")), .filled)
            #expect(
                try await fixture.positions() == ["long 0 @ 50025 closed", "short 0 @ 49975 closed", "short 0 @ 49975 closed"])
            #expect(
                try await fixture.orders() == [
                    "buy 1 filled", "sell 1 filled", "sell 0.8 filled", "buy 0.8 filled", "sell 0.5 filled", "buy 0.5 filled",
                ])

            let nothing = try await fixture.executor.execute(fixture.bridgeSignal("sell", sentiment: "flat"))
            let message = "no open position of \(fixture.symbol) in strategy bridge to close to flat"
            #expect(nothing == .rejected([RiskViolation(rule: "no_position", message: message)]))
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("a trade that would not leave the position its sentiment states is rejected and changes nothing")
    func sentimentMismatch() async throws {
        try await PaperTradingFixture.with(allowShort: true) { fixture in
            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("buy", quantity: "1")), .filled)
            let usd = try await fixture.balance("USD")

            let stillLong = try await fixture.executor.execute(fixture.bridgeSignal("sell", quantity: "0.5", sentiment: "short"))
            let message = "sentiment is short, but this sell leaves a long position of \(fixture.symbol)"
            #expect(stillLong == .rejected([RiskViolation(rule: "sentiment_mismatch", message: message)]))
            let wrongWay = try await fixture.executor.execute(fixture.bridgeSignal("buy", sentiment: "flat"))
            let flatMessage = "a buy cannot leave the long position of 1 of \(fixture.symbol) flat"
            #expect(wrongWay == .rejected([RiskViolation(rule: "sentiment_mismatch", message: flatMessage)]))
            let addToFlat = fixture.bridgeSignal("add", quantity: "0.5", sentiment: "flat")
            #expect(Self.rules(try await fixture.executor.execute(addToFlat)) == ["sentiment_mismatch"])

            #expect(try await fixture.positions() == ["long 1 @ 50025 open"])
            #expect(try await fixture.orders().prefix(2) == ["buy 1 filled", "sell 0.5 rejected"])
            // An add takes its side from the position, so a refused one records no order.
            #expect(try await fixture.database.count("SELECT count(*) FROM orders WHERE signal_id = \(addToFlat.id)") == 0)
            #expect(try await fixture.database.count("SELECT count(*) FROM fills") == 1)
            #expect(try await fixture.balance("USD") == usd)
            #expect(
                try await fixture.strings("SELECT reasons->0->>'rule' FROM signal_decisions WHERE status = 'rejected'")
                    == ["sentiment_mismatch", "sentiment_mismatch", "sentiment_mismatch"])

            // The same sell, large enough to turn the position, does leave a short.
            _ = try Self.order(
                try await fixture.executor.execute(fixture.bridgeSignal("sell", quantity: "1.5", sentiment: "short")), .filled)
            #expect(try await fixture.positions() == ["long 0 @ 50025 closed", "short 0.5 @ 49975 open"])
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("percent and amount exits are stored as prices around the expected fill: the taker price when marketable, else the limit")
    func relativeExits() async throws {
        try await PaperTradingFixture.with(cash: 1_000_000, allowShort: true) { fixture in
            // A market buy fills at 50025: 5 % below is 47523.75, 1000 above is 51025.
            let buy = fixture.bridgeSignal("buy", quantity: "1", stopLossPercent: "5", takeProfitAmount: "1000")
            let buyID = try Self.order(try await fixture.executor.execute(buy), .filled)
            #expect(try await fixture.exits(order: buyID) == "47523.75 51025")
            #expect(try await fixture.exits(positionStrategy: "bridge") == "47523.75 51025")

            // A sell in another strategy opens a short at 49975: 2 % above is 50974.5, 1000 below is 48975.
            let sell = fixture.bridgeSignal("sell", quantity: "1", strategy: "shorts", stopLossPercent: "2", takeProfitAmount: "1000")
            let sellID = try Self.order(try await fixture.executor.execute(sell), .filled)
            #expect(try await fixture.exits(order: sellID) == "50974.5 48975")
            #expect(try await fixture.exits(positionStrategy: "shorts") == "50974.5 48975")

            // A resting limit buy expects its limit, 49000: 500 below is 48500, 4 % above is 50960.
            let resting = fixture.bridgeSignal(
                "buy", quantity: "0.1", orderType: "limit", price: "49000", strategy: "limits", stopLossAmount: "500",
                takeProfitPercent: "4")
            let restingID = try Self.order(try await fixture.executor.execute(resting), .new)
            #expect(try await fixture.exits(order: restingID) == "48500 50960")

            // A limit buy above the market fills at once, at 50025: its exits follow that price, not the limit of 51000.
            let marketable = fixture.bridgeSignal(
                "buy", quantity: "0.1", orderType: "limit", price: "51000", strategy: "marketable", stopLossPercent: "5",
                takeProfitPercent: "10")
            let marketableID = try Self.order(try await fixture.executor.execute(marketable), .filled)
            #expect(try await fixture.exits(order: marketableID) == "47523.75 55027.5")

            // An exit closes without exits of its own; the closed position keeps the ones it had.
            let exitID = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("exit", stopLossPercent: "1")), .filled)
            #expect(try await fixture.exits(order: exitID) == "- -")

            // A sell's target 100 % below its entry is not a price.
            let impossible = fixture.bridgeSignal("sell", quantity: "0.1", strategy: "bad", takeProfitPercent: "100")
            let rejected = try await fixture.executor.execute(impossible)
            let message = "the take profit 0 for an entry at 49975 is not a price"
            #expect(rejected == .rejected([RiskViolation(rule: "invalid_exits", message: message)]))
            #expect(try await fixture.strings("SELECT status FROM orders WHERE signal_id = \(impossible.id)") == ["rejected"])
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test(
        "the seed's signals without a quantity trade the account's default order notional; without one they are refused missing_quantity"
    )
    func defaultOrderNotional() async throws {
        try await PaperTradingFixture.with { fixture in
            let seedLong = fixture.bridgeSignal("buy", direction: "long")
            let refused = try await fixture.executor.execute(seedLong)
            let message = "the signal has no quantity, and the account sets no defaultOrderNotional to size it"
            #expect(refused == .rejected([RiskViolation(rule: "missing_quantity", message: message)]))
            #expect(try await fixture.database.count("SELECT count(*) FROM orders") == 0)

            try await RiskLimitsStore.save(
                RiskLimits(defaultOrderNotional: 1_000), account: try await fixture.accountID, database: fixture.database,
                logger: TestServers.logger)
            // 1000 / 50025 (the taker price) = 0.0199900049…, rounded down to 8 places.
            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("buy", direction: "long")), .filled)
            #expect(try await fixture.positions() == ["long 0.01999 @ 50025 open"])
            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("add")), .filled)
            #expect(try await fixture.positions() == ["long 0.03998 @ 50025 open"])
            // A quantity sent still decides; an exit still takes the position.
            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("buy", quantity: "0.00002")), .filled)
            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("exit")), .filled)
            #expect(try await fixture.positions() == ["long 0 @ 50025 closed"])
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("a dollar amount (quantityType dollar_amount) buys that much at the fill price; selling one from the long is capped at it")
    func dollarAmounts() async throws {
        try await PaperTradingFixture.with { fixture in
            func dollars(_ action: String, direction: String? = nil, _ notional: String) -> SignalDocument {
                var signal = fixture.bridgeSignal(action, direction: direction)
                signal.notional = notional
                return signal
            }
            // 1000 / 50025 = 0.0199900049…, rounded down; the account's default is not needed.
            _ = try Self.order(try await fixture.executor.execute(dollars("buy", "1000")), .filled)
            #expect(try await fixture.positions() == ["long 0.01999 @ 50025 open"])
            // A sell meaning the long, of 500 at the bid 49975: 0.01000500…, rounded down.
            _ = try Self.order(try await fixture.executor.execute(dollars("sell", direction: "long", "500")), .filled)
            #expect(try await fixture.positions() == ["long 0.009985 @ 50025 open"])
            // Far more than the long: capped at it, never a short.
            _ = try Self.order(try await fixture.executor.execute(dollars("sell", direction: "long", "1000000")), .filled)
            #expect(try await fixture.positions() == ["long 0 @ 50025 closed"])
            #expect(try await fixture.orders() == ["buy 0.01999 filled", "sell 0.010005 filled", "sell 0.009985 filled"])
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("a default notional equal to the minimum order notional is not refused for the rounding of its quantity")
    func defaultNotionalAtTheMinimum() async throws {
        try await PaperTradingFixture.with { fixture in
            try await RiskLimitsStore.save(
                RiskLimits(minOrderNotional: 1_000, defaultOrderNotional: 1_000), account: try await fixture.accountID,
                database: fixture.database, logger: TestServers.logger)
            // 1000 / 50025 rounded down is 0.01999 (999.99975): below the minimum, so it rounds up to 0.01999001.
            _ = try Self.order(try await fixture.executor.execute(fixture.bridgeSignal("buy", direction: "long")), .filled)
            #expect(try await fixture.positions() == ["long 0.01999001 @ 50025 open"])
        }
    }

    @Test("options with no volatility to price them at are refused by rule before any order: call and put")
    func options() async throws {
        try await PaperTradingFixture.with { fixture in
            let call = fixture.bridgeSignal("buy", direction: "call", quantity: "1")
            let outcome = try await fixture.executor.execute(call)
            #expect(Self.rules(outcome) == ["no_volatility"])
            // The seed's option signal carries no quantity either.
            let put = try await fixture.executor.execute(fixture.bridgeSignal("buy", direction: "PUT"))
            #expect(Self.rules(put) == ["no_volatility"])
            #expect(
                try await fixture.strings("SELECT reasons->0->>'rule' FROM signal_decisions")
                    == ["no_volatility", "no_volatility"])
            #expect(try await fixture.database.count("SELECT count(*) FROM orders") == 0)
            #expect(try await fixture.events() == ["signal.rejected", "signal.rejected"])
            #expect(try await fixture.balance("USD").available == dec("100000"))
        }
    }
}

extension PaperTradingFixture {
    /// A signal in the bridge's words, for strategy `bridge` unless told.
    fileprivate func bridgeSignal(
        _ action: String, direction: String? = nil, quantity: String? = nil, sentiment: String? = nil, orderType: String = "market",
        price: String? = nil, strategy: String = "bridge", stopLoss: String? = nil, takeProfit: String? = nil,
        stopLossPercent: String? = nil, stopLossAmount: String? = nil,
        takeProfitPercent: String? = nil, takeProfitAmount: String? = nil
    ) -> SignalDocument {
        var signal = self.signal(
            action, quantity: quantity, orderType: orderType, price: price, stopLoss: stopLoss, takeProfit: takeProfit, strategy: strategy)
        signal.direction = direction
        signal.sentiment = sentiment
        signal.stopLossPercent = stopLossPercent
        signal.stopLossAmount = stopLossAmount
        signal.takeProfitPercent = takeProfitPercent
        signal.takeProfitAmount = takeProfitAmount
        return signal
    }

    /// Each position of strategy `bridge` as "side quantity @ entry status", oldest first.
    fileprivate func positions() async throws -> [String] {
        try await strings(
            """
            SELECT side || ' ' || trim_scale(quantity) || ' @ ' || trim_scale(average_entry_price) || ' ' || status
            FROM positions WHERE strategy = 'bridge' ORDER BY opened_at
            """)
    }

    /// Each order of strategy `bridge` as "side quantity status", in the order the signals were received.
    fileprivate func orders() async throws -> [String] {
        try await strings(
            "SELECT side || ' ' || trim_scale(quantity) || ' ' || status FROM orders WHERE strategy = 'bridge' ORDER BY received_at")
    }

    /// An order's stop loss and take profit, "-" for none.
    fileprivate func exits(order id: UUID) async throws -> String? {
        try await strings(
            """
            SELECT coalesce(trim_scale(stop_loss)::text, '-') || ' ' || coalesce(trim_scale(take_profit)::text, '-')
            FROM orders WHERE id = \(id)
            """
        ).first
    }

    /// The stop loss and take profit of the newest position of `strategy`.
    fileprivate func exits(positionStrategy strategy: String) async throws -> String? {
        try await strings(
            """
            SELECT coalesce(trim_scale(stop_loss)::text, '-') || ' ' || coalesce(trim_scale(take_profit)::text, '-')
            FROM positions WHERE strategy = \(strategy) ORDER BY opened_at DESC LIMIT 1
            """
        ).first
    }
}
