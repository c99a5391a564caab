import BallastCore
import BallastMarket
import Foundation
import PostgresNIO
import Testing

@testable import BallastTrading

@Suite("Experiments decided by signal-processor: variants on their own accounts, engines, the report, with real Postgres and Redis")
struct ExperimentExecutionTests {
    /// The confirmed engine with short periods, so a test needs few candles.
    static let quickConfirmed = [
        "interval": "1m", "fastEma": "3", "slowEma": "8", "rsiPeriod": "5", "atrPeriod": "5", "rsiMaxForLong": "80",
        "riskPercent": "1", "atrStopMultiple": "2",
    ]

    static func experiment(
        _ fixture: PaperTradingFixture, mode: Experiment.Mode = .shadow, settings: [String: String] = quickConfirmed
    ) async throws -> Experiment {
        let weight: Decimal? = mode == .split ? 50 : nil
        return try await ExperimentStore(database: fixture.database, logger: TestServers.logger).create(
            NewExperiment(
                name: "rules vs confirmed", mode: mode, scope: ExperimentScope(), quoteCurrency: "USD",
                variants: [
                    .init(name: "A", engine: "rules", settings: [:], weight: weight, startingCash: 10_000),
                    .init(name: "B", engine: "confirmed", settings: settings, weight: weight, startingCash: 10_000),
                ], start: true),
            user: fixture.userID)
    }

    /// `count` closed one-minute candles of the fixture's symbol ending a minute ago: closes zigzag 70 up and 50 down
    /// (`rising`, RSI near 58) or the mirror, from 50,000, each candle 1,000 from high to low (ATR 1,000).
    static func candles(_ fixture: PaperTradingFixture, rising: Bool, count: Int = 30) async throws {
        let minute: Int64 = 60_000
        let lastOpen = (Date().epochMilliseconds / minute - 2) * minute
        for index in 0..<count {
            let close = 50_000 + (rising ? 1 : -1) * (index * 10 + (index % 2 == 0 ? -30 : 30))
            let open = lastOpen - Int64(count - 1 - index) * minute
            try await fixture.database.query(
                """
                INSERT INTO candles (symbol, interval, open_time, close_time, open, high, low, close, volume, quote_volume, trade_count)
                VALUES (\(fixture.symbol), '1m', \(open), \(open + minute - 1), \(close), \(close + 500), \(close - 500), \(close), 1, \(close), 1)
                """)
        }
    }

    static func routed(_ signal: SignalDocument, _ experiment: Experiment) -> SignalDocument {
        var routed = signal
        routed.routing = StrategyRouter.routing(
            signalID: signal.id, source: signal.sourceID, strategy: signal.strategy, symbol: signal.symbol, experiments: [experiment],
            engines: nil)
        return routed
    }

    @Test("shadow: one signal is decided on both variants' accounts, once, by their engines; the report adds up")
    func shadow() async throws {
        try await PaperTradingFixture.with { fixture in
            let experiment = try await Self.experiment(fixture)
            try await Self.candles(fixture, rising: true)
            let buy = Self.routed(fixture.signal("buy", quantity: "0.1"), experiment)
            #expect(buy.routing?.targets.map(\.variant) == ["A", "B"])
            guard case .ordered = try await fixture.executor.execute(buy) else {
                Issue.record("the primary variant did not order")
                return
            }
            #expect(try await fixture.executor.execute(buy) == .alreadyDecided, "a redelivery changes nothing")
            let accounts = Dictionary(uniqueKeysWithValues: experiment.variants.map { ($0.name, $0.accountID) })
            let derived = try #require(buy.routing).decisionID(signal: buy.id, target: 1)
            #expect(
                try await fixture.database.count(
                    "SELECT count(*)::int8 FROM signal_decisions WHERE signal_id = \(buy.id) AND account_id = \(accounts["A"]!) AND status = 'accepted'"
                ) == 1)
            #expect(
                try await fixture.database.count(
                    "SELECT count(*)::int8 FROM signal_decisions WHERE signal_id = \(derived) AND account_id = \(accounts["B"]!) AND status = 'accepted'"
                ) == 1)
            #expect(try await fixture.database.count("SELECT count(*)::int8 FROM experiment_decisions WHERE signal_id = \(buy.id)") == 2)
            #expect(
                try await fixture.database.count("SELECT count(*)::int8 FROM orders WHERE account_id = \(try await fixture.accountID)")
                    == 0,
                "the trading account does not trade an experiment's signals")
            let rulesQuantity = try await fixture.decimal("SELECT quantity FROM orders WHERE account_id = \(accounts["A"]!)")
            #expect(rulesQuantity == dec("0.1"), "rules keeps the signal's size")
            // Confirmed sizes by ATR: 1 % of 10,000 equity over a stop two ATRs away, and sets that stop.
            let confirmedQuantity = try #require(
                try await fixture.decimal("SELECT quantity FROM orders WHERE account_id = \(accounts["B"]!)"))
            let stop = try #require(try await fixture.decimal("SELECT stop_loss FROM orders WHERE account_id = \(accounts["B"]!)"))
            let fillPrice = try #require(try await fixture.decimal("SELECT price FROM fills WHERE account_id = \(accounts["B"]!)"))
            let risked = confirmedQuantity * (fillPrice - stop)
            #expect(confirmedQuantity != dec("0.1") && risked > 95 && risked <= 100, "risked \(risked) at \(confirmedQuantity)")

            try await fixture.setPrice("51000")
            try await PositionStore.mark(
                symbol: fixture.symbol, last: 51_000, low: 51_000, high: 51_000, database: fixture.database, logger: TestServers.logger)
            let store = ExperimentStore(database: fixture.database, logger: TestServers.logger)
            let open = try #require(try await store.report(experiment.id, user: fixture.userID))
            for variant in open.variants {
                #expect(dec(variant.unrealizedPnL) > 0, "\(variant)")
                #expect(
                    dec(variant.equity) == dec(variant.startingCash) + dec(variant.realizedPnL) + dec(variant.unrealizedPnL), "\(variant)")
            }
            let exit = Self.routed(fixture.signal("exit", quantity: nil), experiment)
            _ = try await fixture.executor.execute(exit)
            let report = try #require(
                try await ExperimentStore(database: fixture.database, logger: TestServers.logger).report(
                    experiment.id, user: fixture.userID))
            #expect(report.signals == 2)
            #expect(report.variants.map(\.name) == ["A", "B"])
            for variant in report.variants {
                #expect(variant.signals == 2 && variant.accepted == 2 && variant.rejected == 0, "\(variant)")
                #expect(variant.trades == 1 && variant.fills == 2 && variant.wins == 1, "\(variant)")
                let start = dec(variant.startingCash)
                #expect(start == 10_000)
                #expect(dec(variant.equity) == start + dec(variant.realizedPnL) + dec(variant.unrealizedPnL), "\(variant)")
                #expect(dec(variant.realizedPnL) > 0 && dec(variant.fees) > 0)
            }
            #expect(report.comparisons.count == 1 && report.comparisons[0].meanTradePnLDifference == nil, "one trade each is too few")
            #expect(try await fixture.balancesMatchLedger())
        }
    }

    @Test("confirmed refuses an entry against the trend and one without candles; rules takes both")
    func confirmationRefuses() async throws {
        try await PaperTradingFixture.with { fixture in
            let experiment = try await Self.experiment(fixture)
            let early = Self.routed(fixture.signal("buy", quantity: "0.05"), experiment)
            _ = try await fixture.executor.execute(early)
            try await Self.candles(fixture, rising: false)
            let againstTrend = Self.routed(fixture.signal("buy", quantity: "0.05"), experiment)
            _ = try await fixture.executor.execute(againstTrend)
            let rules = try await fixture.strings(
                """
                SELECT d.status || ':' || coalesce(d.reasons->0->>'rule', '') FROM signal_decisions d
                JOIN experiment_decisions e ON e.decision_id = d.signal_id WHERE e.variant = 'B' ORDER BY d.decided_at
                """)
            #expect(rules == ["rejected:no_candles", "rejected:trend_not_confirmed"])
            #expect(
                try await fixture.strings(
                    "SELECT d.status FROM signal_decisions d JOIN experiment_decisions e ON e.decision_id = d.signal_id WHERE e.variant = 'A'"
                )
                    == ["accepted", "accepted"])
        }
    }

    @Test("a stop the ATR puts below zero refuses the entry by rule; the other variant and the user's next signals go on")
    func stopBelowZero() async throws {
        try await PaperTradingFixture.with { fixture in
            var settings = Self.quickConfirmed
            settings["atrStopMultiple"] = "100"
            let experiment = try await Self.experiment(fixture, settings: settings)
            try await Self.candles(fixture, rising: true)
            _ = try await fixture.executor.execute(Self.routed(fixture.signal("buy", quantity: "0.05"), experiment))
            #expect(
                try await fixture.strings(
                    """
                    SELECT e.variant || ':' || d.status || ':' || coalesce(d.reasons->0->>'rule', '') FROM signal_decisions d
                    JOIN experiment_decisions e ON e.decision_id = d.signal_id ORDER BY e.variant
                    """) == ["A:accepted:", "B:rejected:invalid_stop"])
            let next = fixture.signal("buy", quantity: "0.01")
            guard case .ordered = try await fixture.executor.execute(next) else {
                Issue.record("the user's next signal was not decided")
                return
            }
        }
    }

    @Test("a split sends each signal to one variant only, and the report's signals add up")
    func split() async throws {
        try await PaperTradingFixture.with { fixture in
            let experiment = try await Self.experiment(fixture, mode: .split)
            try await Self.candles(fixture, rising: true)
            var expected: [String: Int] = [:]
            for _ in 0..<12 {
                let signal = Self.routed(fixture.signal("buy", quantity: "0.01"), experiment)
                expected[signal.routing?.targets.first?.variant ?? "-", default: 0] += 1
                #expect(signal.routing?.targets.count == 1)
                _ = try await fixture.executor.execute(signal)
            }
            let report = try #require(
                try await ExperimentStore(database: fixture.database, logger: TestServers.logger).report(
                    experiment.id, user: fixture.userID))
            #expect(report.signals == 12)
            #expect(report.variants.reduce(0) { $0 + $1.signals } == 12)
            #expect(Dictionary(uniqueKeysWithValues: report.variants.map { ($0.name, $0.signals) }).filter { $0.value > 0 } == expected)
        }
    }
}
