import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// The accounts one transaction decides a user's signals on: the user's trading account, and the paper accounts of the
/// experiment variants the signals are routed to (`DecisionTarget`), each a `SignalBatchRun` of its own, locked trading
/// account first, then the variants' in id order. Every lock of a user's accounts by signal-processor happens under the
/// user's sequence lock (`SignalSequenceGate`), so these never wait on each other in a cycle.
struct SignalBatchRuns {
    private var trading: SignalBatchRun
    private var variants: [UUID: SignalBatchRun]
    /// Decisions made for experiments, recorded in `experiment_decisions` with the runs' writes.
    private var experimentDecisions: [(decisionID: UUID, signalID: UUID, experimentID: UUID, variant: String, accountID: UUID)] = []
    private let connection: PostgresConnection
    private let logger: Logger

    static func start(
        user: UUID, signals: [SignalDocument], targets: [[DecisionTarget]], connection: PostgresConnection, logger: Logger
    ) async throws -> SignalBatchRuns {
        var onTrading: [SignalDocument] = []
        var onVariant: [UUID: (signals: [SignalDocument], decisionIDs: [UUID: UUID], experiments: [UUID: (id: UUID, variant: String)])] =
            [:]
        for (signal, signalTargets) in zip(signals, targets) {
            for target in signalTargets {
                guard let accountID = target.accountID else {
                    onTrading.append(signal)
                    continue
                }
                var entry = onVariant[accountID] ?? ([], [:], [:])
                entry.signals.append(signal)
                if target.decisionID != signal.id { entry.decisionIDs[signal.id] = target.decisionID }
                if let experimentID = target.experimentID, let variant = target.variant {
                    entry.experiments[signal.id] = (experimentID, variant)
                }
                onVariant[accountID] = entry
            }
        }
        // The trading account is locked even with no signal for it, as before routing: the lock order stays one.
        let trading = try await SignalBatchRun.start(user: user, signals: onTrading, connection: connection, logger: logger)
        var variants: [UUID: SignalBatchRun] = [:]
        for (accountID, entry) in onVariant.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            variants[accountID] = try await SignalBatchRun.start(
                user: user, account: accountID, signals: entry.signals, decisionIDs: entry.decisionIDs, experiments: entry.experiments,
                connection: connection, logger: logger)
        }
        return SignalBatchRuns(trading: trading, variants: variants, connection: connection, logger: logger)
    }

    private init(trading: SignalBatchRun, variants: [UUID: SignalBatchRun], connection: PostgresConnection, logger: Logger) {
        self.trading = trading
        self.variants = variants
        self.connection = connection
        self.logger = logger
    }

    /// Decides `signal` for `target` on the target's account.
    mutating func decide(
        _ signal: SignalDocument, _ request: Result<OrderRequest, RejectionReasons>, target: DecisionTarget,
        quotes: [String: MarketPrice], candles: [CandleSeriesKey: CandleSeries], symbols: SignalSymbols, settings: ExecutionSettings,
        now: Date
    ) async throws -> SignalOutcome {
        let outcome: SignalOutcome
        if let accountID = target.accountID, var run = variants[accountID] {
            outcome = try await run.decide(
                signal, request, engine: target.engine, quotes: quotes, candles: candles, symbols: symbols, settings: settings, now: now)
            variants[accountID] = run
        } else {
            outcome = try await trading.decide(
                signal, request, engine: target.engine, quotes: quotes, candles: candles, symbols: symbols, settings: settings, now: now)
        }
        if outcome != .alreadyDecided, let experimentID = target.experimentID, let variant = target.variant,
            let accountID = target.accountID
        {
            experimentDecisions.append((target.decisionID, signal.id, experimentID, variant, accountID))
        }
        return outcome
    }

    /// Writes every run's decisions, then which experiment and variant each routed one belongs to.
    func finish() async throws {
        try await trading.finish()
        for run in variants.values { try await run.finish() }
        guard !experimentDecisions.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO experiment_decisions (decision_id, signal_id, experiment_id, variant, account_id)
            SELECT * FROM unnest(\(experimentDecisions.map(\.decisionID))::uuid[], \(experimentDecisions.map(\.signalID))::uuid[],
                \(experimentDecisions.map(\.experimentID))::uuid[], \(experimentDecisions.map(\.variant))::text[],
                \(experimentDecisions.map(\.accountID))::uuid[])
            ON CONFLICT (decision_id) DO NOTHING
            """,
            logger: logger)
    }
}
