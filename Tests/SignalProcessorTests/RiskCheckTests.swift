import Foundation
import Testing

@testable import BallastTrading

/// One rule, and the smallest change to the baseline that breaks it alone.
struct RuleCase: Sendable, CustomTestStringConvertible {
    let rule: String
    let message: String
    let breakRule: @Sendable (inout RiskInput) -> Void
    /// Turns the rule's limit off, for rules that have one.
    let disable: (@Sendable (inout RiskLimits) -> Void)?

    var testDescription: String { rule }
}

@Suite("Risk check")
struct RiskCheckTests {
    /// A NYSE weekday session; 2026-03-09T15:00Z is Monday 11:00 EDT.
    static let nyse = TradingSession(exchange: "NYSE", timeZone: "America/New_York", days: [1, 2, 3, 4, 5], open: "09:30", close: "16:00")

    static let limits = RiskLimits(
        maxOpenPositions: 5, maxOpenPositionsPerSymbol: 1, maxOrderNotional: decimal("5000"), maxPositionPercentOfEquity: decimal("25"),
        maxTotalExposure: decimal("10000"), minOrderNotional: decimal("10"), tradingSessions: [nyse])

    /// Buy 10 AAPL at 150 (notional 1500) during the session, with room under every limit: 2 of 5 positions, none in AAPL,
    /// a position of 1500 against 25 % of 20000 equity, exposure 3000 → 4500 of 10000, and cash to spare.
    static let baseline = RiskInput(
        now: instant("2026-03-09T15:00:00Z"), exchange: "NYSE", symbol: "AAPL", side: .buy, quantity: decimal("10"), price: decimal("150"),
        requiredCash: decimal("1501.5"), availableCash: decimal("10000"), equity: decimal("20000"), openPositions: 2,
        openPositionsForSymbol: 0, opensPosition: true, shortQuantity: 0, shortingAllowed: false, positionNotionalAfter: decimal("1500"),
        exposureBefore: decimal("3000"), exposureAfter: decimal("4500"))

    static func input(_ change: (inout RiskInput) -> Void) -> RiskInput {
        var input = baseline
        change(&input)
        return input
    }

    static let rules: [RuleCase] = [
        RuleCase(
            rule: "trading_hours", message: "NYSE is closed now",
            breakRule: { $0.now = instant("2026-03-07T16:00:00Z") },  // a Saturday
            disable: { $0.tradingSessions = [] }),
        RuleCase(
            rule: "max_open_positions", message: "5 positions are open; the limit is 5",
            breakRule: { $0.openPositions = 5 },
            disable: { $0.maxOpenPositions = nil }),
        RuleCase(
            rule: "max_open_positions_per_symbol", message: "1 AAPL positions are open; the limit is 1",
            breakRule: { $0.openPositionsForSymbol = 1 },
            disable: { $0.maxOpenPositionsPerSymbol = nil }),
        RuleCase(
            rule: "max_order_notional", message: "the order's notional 6000 is above the limit 5000",
            breakRule: { $0.quantity = decimal("40") },
            disable: { $0.maxOrderNotional = nil }),
        RuleCase(
            rule: "min_order_notional", message: "the order's notional 7.5 is below the minimum 10",
            breakRule: { $0.quantity = decimal("0.05") },
            disable: { $0.minOrderNotional = nil }),
        RuleCase(
            rule: "max_position_percent_of_equity", message: "the position would be 5000.00000001, above 25 % of equity (5000)",
            breakRule: { $0.positionNotionalAfter = decimal("5000.00000001") },
            disable: { $0.maxPositionPercentOfEquity = nil }),
        RuleCase(
            rule: "max_total_exposure", message: "total exposure would be 10000.5, above the limit 10000",
            breakRule: { $0.exposureAfter = decimal("10000.5") },
            disable: { $0.maxTotalExposure = nil }),
        RuleCase(
            rule: "short_selling", message: "selling 2 AAPL beyond the position needs short selling, which this account does not allow",
            breakRule: {
                $0.side = .sell
                $0.shortQuantity = decimal("2")
            },
            disable: nil),
        RuleCase(
            rule: "sufficient_balance", message: "the order needs 12345.678 available; the account has 10000",
            breakRule: { $0.requiredCash = decimal("12345.678") },
            disable: nil),
    ]

    @Test("the baseline order passes every rule")
    func baselinePasses() {
        #expect(RiskCheck.violations(Self.baseline, limits: Self.limits) == [])
    }

    @Test("each rule fires alone, by name, with the numbers in its message", arguments: rules)
    func ruleFiresAlone(_ rule: RuleCase) {
        let violations = RiskCheck.violations(Self.input(rule.breakRule), limits: Self.limits)
        #expect(violations == [RiskViolation(rule: rule.rule, message: rule.message)])
        #expect(violations.first?.description == "\(rule.rule): \(rule.message)")
    }

    @Test("a limit set to nil never fires", arguments: rules.filter { $0.disable != nil })
    func nilLimitIsOff(_ rule: RuleCase) throws {
        let disable = try #require(rule.disable)
        var limits = Self.limits
        disable(&limits)
        #expect(RiskCheck.violations(Self.input(rule.breakRule), limits: limits) == [])
    }

    @Test("with no limits at all, only shorting and cash are checked, however large the order")
    func noLimits() {
        let huge = Self.input {
            $0.now = instant("2026-03-07T16:00:00Z")
            $0.openPositions = 10_000
            $0.openPositionsForSymbol = 100
            $0.quantity = decimal("1000000")
            $0.equity = decimal("1")
            $0.positionNotionalAfter = decimal("150000000")
            $0.exposureAfter = decimal("999999999999")
        }
        #expect(RiskCheck.violations(huge, limits: RiskLimits()) == [])
        let tiny = Self.input { $0.quantity = decimal("0.00000001") }
        #expect(RiskCheck.violations(tiny, limits: RiskLimits()) == [])
    }

    @Test("every broken rule is reported together, in the order the rules are checked")
    func severalViolations() {
        let input = Self.input { input in
            for rule in Self.rules where rule.rule != "min_order_notional" {
                rule.breakRule(&input)
            }
        }
        let violations = RiskCheck.violations(input, limits: Self.limits)
        #expect(violations.map(\.rule) == Self.rules.map(\.rule).filter { $0 != "min_order_notional" })
        #expect(violations.map(\.message) == Self.rules.filter { $0.rule != "min_order_notional" }.map(\.message))
    }

    /// Each figure exactly at its limit: counts below the maximum, notionals equal to it, cash equal to what is needed.
    @Test("values exactly at a limit pass")
    func limitsAreInclusive() {
        let atLimits = Self.input {
            $0.openPositions = 4
            $0.quantity = decimal("40")
            $0.price = decimal("125")
            $0.positionNotionalAfter = decimal("5000")
            $0.exposureAfter = decimal("10000")
            $0.requiredCash = decimal("10000")
        }
        #expect(RiskCheck.violations(atLimits, limits: Self.limits) == [])
        let atMinimum = Self.input {
            $0.quantity = decimal("0.08")
            $0.price = decimal("125")
        }
        #expect(RiskCheck.violations(atMinimum, limits: Self.limits) == [])
    }

    /// The notional is rounded to 8 places before the comparison: 40.00000000003 × 125 = 5000.00000000375 → 5000, while
    /// 40.00000000004 × 125 = 5000.000000005 → 5000.00000001.
    @Test("the order's notional is compared, and reported, after rounding to 8 decimals")
    func notionalRounding() {
        let justUnder = Self.input {
            $0.quantity = decimal("40.00000000003")
            $0.price = decimal("125")
        }
        #expect(RiskCheck.violations(justUnder, limits: Self.limits) == [])
        let justOver = Self.input {
            $0.quantity = decimal("40.00000000004")
            $0.price = decimal("125")
        }
        let expected = RiskViolation(rule: "max_order_notional", message: "the order's notional 5000.00000001 is above the limit 5000")
        #expect(RiskCheck.violations(justOver, limits: Self.limits) == [expected])
    }

    /// 33 % of 10000.00000001 is 3300.0000000033, which rounds to the nearest 8th place: 3300.
    @Test("the share of equity a position may take is rounded to 8 decimals before the comparison")
    func equityShareRounding() {
        let limits = RiskLimits(maxPositionPercentOfEquity: decimal("33"))
        let input = Self.input {
            $0.equity = decimal("10000.00000001")
            $0.positionNotionalAfter = decimal("3300.00000001")
        }
        let expected = RiskViolation(
            rule: "max_position_percent_of_equity", message: "the position would be 3300.00000001, above 33 % of equity (3300)")
        #expect(RiskCheck.violations(input, limits: limits) == [expected])
        let atShare = Self.input {
            $0.equity = decimal("10000.00000001")
            $0.positionNotionalAfter = decimal("3300")
        }
        #expect(RiskCheck.violations(atShare, limits: limits) == [])
    }

    @Test("an order that opens nothing (a reduction) is not held back by the position counts")
    func reductionsIgnorePositionCounts() {
        let reduction = Self.input {
            $0.opensPosition = false
            $0.openPositions = 50
            $0.openPositionsForSymbol = 3
        }
        #expect(RiskCheck.violations(reduction, limits: Self.limits) == [])
    }

    @Test(
        "total exposure above the limit only fires when the order makes it grow",
        arguments: [
            ("12000", "11000", false),
            ("11000", "11000", false),
            ("11000", "11000.00000001", true),
            ("9000", "10000.00000001", true),
        ]
    )
    func exposureMustGrow(before: String, after: String, fires: Bool) {
        let input = Self.input {
            $0.exposureBefore = decimal(before)
            $0.exposureAfter = decimal(after)
        }
        #expect(RiskCheck.violations(input, limits: Self.limits).map(\.rule) == (fires ? ["max_total_exposure"] : []))
    }

    @Test("an account that may short can sell beyond its position")
    func shortingAllowed() {
        let short = Self.input {
            $0.side = .sell
            $0.shortQuantity = decimal("2")
            $0.shortingAllowed = true
        }
        #expect(RiskCheck.violations(short, limits: Self.limits) == [])
    }

    @Test("a session applies only to its own exchange; an order without an exchange trades around the clock", arguments: ["BINANCE", nil])
    func otherExchanges(exchange: String?) {
        let saturday = Self.input {
            $0.exchange = exchange
            $0.now = instant("2026-03-07T16:00:00Z")
        }
        #expect(RiskCheck.violations(saturday, limits: Self.limits) == [])
    }

    @Test("exchanges match without regard to case", arguments: ["nyse", "Nyse", "NYSE"])
    func exchangeCase(exchange: String) {
        let saturday = Self.input {
            $0.exchange = exchange
            $0.now = instant("2026-03-07T16:00:00Z")
        }
        #expect(
            RiskCheck.violations(saturday, limits: Self.limits) == [
                RiskViolation(rule: "trading_hours", message: "\(exchange) is closed now")
            ])
        #expect(RiskCheck.violations(Self.input { $0.exchange = exchange }, limits: Self.limits) == [])
        #expect(Self.limits.sessions(for: exchange) == [Self.nyse])
    }

    /// Tokyo's two sessions with a lunch break: 09:00–11:30 and 12:30–15:00 JST (UTC+9); 2026-03-16 is a Monday.
    @Test(
        "with several sessions for one exchange, it is open when any of them is",
        arguments: [("2026-03-16T01:00:00Z", true), ("2026-03-16T03:00:00Z", false), ("2026-03-16T04:00:00Z", true)]
    )
    func severalSessions(at text: String, open: Bool) {
        let morning = TradingSession(exchange: "TSE", timeZone: "Asia/Tokyo", days: [1, 2, 3, 4, 5], open: "09:00", close: "11:30")
        let afternoon = TradingSession(exchange: "tse", timeZone: "Asia/Tokyo", days: [1, 2, 3, 4, 5], open: "12:30", close: "15:00")
        let limits = RiskLimits(tradingSessions: [Self.nyse, morning, afternoon])
        let input = Self.input {
            $0.exchange = "TSE"
            $0.now = instant(text)
        }
        #expect(RiskCheck.violations(input, limits: limits).map(\.rule) == (open ? [] : ["trading_hours"]))
    }

    @Test("an order that makes a position smaller is held neither to the minimum size nor to the equity share")
    func reductionsPass() {
        // Sell 0.05 of a 40-share position worth 6000 (over 25 % of equity): 7.5 is below the minimum of 10.
        let reduction = Self.input {
            $0.side = .sell
            $0.quantity = decimal("0.05")
            $0.requiredCash = 0
            $0.opensPosition = false
            $0.positionNotionalBefore = decimal("6000")
            $0.positionNotionalAfter = decimal("5992.5")
            $0.exposureAfter = decimal("2992.5")
        }
        #expect(RiskCheck.violations(reduction, limits: Self.limits).isEmpty)
        // The same size opening a position is refused.
        let opening = Self.input { $0.quantity = decimal("0.05") }
        #expect(RiskCheck.violations(opening, limits: Self.limits).map(\.rule) == ["min_order_notional"])
    }
}
