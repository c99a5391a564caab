import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// Reads and writes `experiments` and `experiment_variants`, and opens the variants' paper accounts.
public struct ExperimentStore: Sendable {
    public enum Failure: Error, Equatable {
        /// `scope.sources[index]` is not a source of the user.
        case unknownSource(index: Int, id: UUID)
        /// The change needs a draft; the experiment has `status`.
        case notDraft(Experiment.Status)
        /// A stopped experiment does not start again: its results would mix two periods.
        case stopped
    }

    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Creates the experiment and, for each variant, a paper account priced like the user's trading account (with its
    /// risk limits, so `rules` decides there as it would on the trading account) and funded with the variant's cash.
    public func create(_ input: NewExperiment, user: UUID, now: Date = Date()) async throws -> Experiment {
        let logger = self.logger
        let id = UUID.random()
        return try await database.transaction(logger: logger) { connection in
            try await Self.checkSources(input.scope.sources, user: user, on: connection, logger: logger)
            let status: Experiment.Status = input.start ? .running : .draft
            try await connection.execute(
                """
                INSERT INTO experiments (id, user_id, name, mode, status, source_ids, strategies, symbols, created_at, started_at)
                VALUES (\(id), \(user), \(input.name), \(input.mode.rawValue), \(status.rawValue), \(input.scope.sources)::uuid[],
                    \(input.scope.strategies)::text[], \(input.scope.symbols)::text[], \(now), \(input.start ? now : nil))
                """,
                logger: logger)
            for variant in input.variants {
                let account = try await PaperAccountStore.openExperimentAccount(
                    user: user, experiment: id, quoteCurrency: input.quoteCurrency, startingCash: variant.startingCash, on: connection,
                    logger: logger)
                let settings = String(decoding: try JSONCoding.encoder.encode(variant.settings), as: UTF8.self)
                try await connection.execute(
                    """
                    INSERT INTO experiment_variants (experiment_id, name, engine, settings, weight, account_id)
                    VALUES (\(id), \(variant.name), \(variant.engine), \(settings)::jsonb, \(variant.weight), \(account.id))
                    """,
                    logger: logger)
            }
            guard let created = try await Self.experiments(user: user, id: id, on: connection, logger: logger).first else {
                throw StoredValueError("experiment \(id) was not found after it was created")
            }
            return created
        }
    }

    /// The user's experiments, newest first (deleted ones left out).
    public func list(user: UUID) async throws -> [Experiment] {
        let logger = self.logger
        return try await database.withConnection { connection in
            try await Self.experiments(user: user, id: nil, on: connection, logger: logger)
        }
    }

    /// The user's running experiments, which route their signals.
    public func running(user: UUID) async throws -> [Experiment] {
        try await list(user: user).filter { $0.status == .running }
    }

    public func experiment(_ id: UUID, user: UUID) async throws -> Experiment? {
        let logger = self.logger
        return try await database.withConnection { connection in
            try await Self.experiments(user: user, id: id, on: connection, logger: logger).first
        }
    }

    /// Starts a draft (a running one stays as it is); nil when there is no such experiment.
    public func start(_ id: UUID, user: UUID, now: Date = Date()) async throws -> Experiment? {
        try await change(id, user: user) { experiment, connection, logger in
            switch experiment.status {
            case .running: return
            case .stopped: throw Failure.stopped
            case .draft:
                try await connection.execute(
                    "UPDATE experiments SET status = 'running', started_at = \(now), updated_at = \(now) WHERE id = \(id)", logger: logger)
            }
        }
    }

    /// Stops routing signals to the experiment; its accounts, positions and results stay.
    public func stop(_ id: UUID, user: UUID, now: Date = Date()) async throws -> Experiment? {
        try await change(id, user: user) { experiment, connection, logger in
            guard experiment.status != .stopped else { return }
            try await connection.execute(
                "UPDATE experiments SET status = 'stopped', stopped_at = \(now), updated_at = \(now) WHERE id = \(id)", logger: logger)
        }
    }

    /// Changes a draft's name and scope.
    public func update(_ id: UUID, user: UUID, name: String?, scope: ExperimentScope?, now: Date = Date()) async throws -> Experiment? {
        try await change(id, user: user) { experiment, connection, logger in
            guard experiment.status == .draft else { throw Failure.notDraft(experiment.status) }
            if let scope { try await Self.checkSources(scope.sources, user: user, on: connection, logger: logger) }
            let scope = scope ?? experiment.scope
            try await connection.execute(
                """
                UPDATE experiments SET name = \(name ?? experiment.name), source_ids = \(scope.sources)::uuid[],
                    strategies = \(scope.strategies)::text[], symbols = \(scope.symbols)::text[], updated_at = \(now)
                WHERE id = \(id)
                """,
                logger: logger)
        }
    }

    /// Stops the experiment and hides it from the API; its accounts and decisions stay for the record.
    public func delete(_ id: UUID, user: UUID, now: Date = Date()) async throws -> Bool {
        let rows = try await database.query(
            """
            UPDATE experiments SET deleted_at = \(now), updated_at = \(now),
                status = 'stopped', stopped_at = coalesce(stopped_at, \(now))
            WHERE id = \(id) AND user_id = \(user) AND deleted_at IS NULL
            RETURNING 1
            """,
            logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    /// The experiment's report (`ExperimentReport`); nil when there is no such experiment.
    public func report(_ id: UUID, user: UUID, now: Date = Date()) async throws -> ExperimentReport? {
        let logger = self.logger
        return try await database.withConnection { connection in
            guard let experiment = try await Self.experiments(user: user, id: id, on: connection, logger: logger).first else {
                return nil
            }
            let rows = try await connection.query(
                """
                SELECT v.name,
                    (SELECT count(*) FROM experiment_decisions d WHERE d.experiment_id = v.experiment_id AND d.variant = v.name),
                    (SELECT count(*) FROM experiment_decisions d JOIN signal_decisions s ON s.signal_id = d.decision_id
                     WHERE d.experiment_id = v.experiment_id AND d.variant = v.name AND s.status = 'accepted'),
                    (SELECT count(*) FROM fills f WHERE f.account_id = v.account_id),
                    (SELECT coalesce(sum(f.fee) FILTER (WHERE f.fee_asset = a.quote_currency), 0)::text
                     FROM fills f WHERE f.account_id = v.account_id),
                    (SELECT coalesce(sum(p.realized_pnl), 0)::text FROM positions p WHERE p.account_id = v.account_id),
                    (SELECT coalesce(sum(p.unrealized_pnl), 0)::text FROM positions p WHERE p.account_id = v.account_id AND p.status = 'open'),
                    (SELECT coalesce(sum(p.quantity * coalesce(p.mark_price, p.average_entry_price)
                        * CASE WHEN p.side = 'long' THEN 1 ELSE -1 END), 0)::text
                     FROM positions p WHERE p.account_id = v.account_id AND p.status = 'open'),
                    (SELECT coalesce(json_agg(json_build_array(
                        to_char(p.closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), p.realized_pnl::text)
                        ORDER BY p.closed_at, p.id), '[]')::text
                     FROM positions p WHERE p.account_id = v.account_id AND p.status = 'closed'),
                    (SELECT coalesce(sum(l.amount), 0)::text FROM ledger_entries l
                     WHERE l.account_id = v.account_id AND l.asset = a.quote_currency AND l.kind = 'deposit'),
                    (SELECT coalesce(sum(b.available + b.locked), 0)::text FROM balances b
                     WHERE b.account_id = v.account_id AND b.asset = a.quote_currency)
                FROM experiment_variants v JOIN paper_accounts a ON a.id = v.account_id
                WHERE v.experiment_id = \(id)
                ORDER BY v.name
                """,
                logger: logger)
            var variants: [ExperimentReport.Variant] = []
            var trades: [(name: String, trades: [TradeResult])] = []
            for try await (name, signals, accepted, fills, fees, realized, unrealized, positionValue, closed, deposits, cash)
                in rows.decode(
                    (String, Int, Int, Int, String, String, String, String, String, String, String).self)
            {
                guard let variant = experiment.variants.first(where: { $0.name == name }) else { continue }
                let closedTrades = try JSONCoding.decoder.decode([[String]].self, from: Data(closed.utf8)).compactMap { pair in
                    pair.count == 2
                        ? RFC3339.date(from: pair[0]).flatMap { date in
                            ExactDecimal.parse(pair[1]).map { TradeResult(closedAt: date, pnl: $0) }
                        } : nil
                }
                let performance = VariantPerformance(trades: closedTrades)
                let equity = (ExactDecimal.parse(cash) ?? 0) + (ExactDecimal.parse(positionValue) ?? 0)
                variants.append(
                    ExperimentReport.Variant(
                        name: name, engine: variant.engine, accountID: variant.accountID, signals: signals, accepted: accepted,
                        rejected: signals - accepted, fills: fills, trades: performance.tradeCount, wins: performance.wins,
                        winRate: performance.winRate.map { "\($0)" }, realizedPnL: Self.amount(realized),
                        unrealizedPnL: Self.amount(unrealized),
                        fees: Self.amount(fees), maxDrawdown: "\(performance.maxDrawdown)", startingCash: Self.amount(deposits),
                        equity: "\(equity.rounded())"))
                trades.append((name, closedTrades))
            }
            var taken = 0
            for try await count in try await connection.query(
                "SELECT count(DISTINCT signal_id) FROM experiment_decisions WHERE experiment_id = \(id)", logger: logger
            ).decode(Int.self) { taken = count }
            let seed = withUnsafeBytes(of: id.uuid) { $0.loadUnaligned(as: UInt64.self) }
            return ExperimentReport(
                experimentID: id, mode: experiment.mode, status: experiment.status, signals: taken, variants: variants,
                comparisons: ExperimentReport.comparisons(trades, seed: seed), generatedAt: now)
        }
    }

    /// A stored amount as exact decimal text without trailing zeros.
    private static func amount(_ text: String) -> String { ExactDecimal.parse(text).map { "\($0)" } ?? text }

    private func change(
        _ id: UUID, user: UUID,
        _ body: @Sendable @escaping (Experiment, PostgresConnection, Logger) async throws -> Void
    ) async throws -> Experiment? {
        let logger = self.logger
        return try await database.transaction(logger: logger) { connection in
            let locked = try await connection.query(
                "SELECT 1 FROM experiments WHERE id = \(id) AND user_id = \(user) AND deleted_at IS NULL FOR UPDATE", logger: logger)
            var found = false
            for try await _ in locked.decode(Int.self) { found = true }
            guard found, let experiment = try await Self.experiments(user: user, id: id, on: connection, logger: logger).first else {
                return nil
            }
            try await body(experiment, connection, logger)
            return try await Self.experiments(user: user, id: id, on: connection, logger: logger).first
        }
    }

    private static func checkSources(_ sources: [UUID], user: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        guard !sources.isEmpty else { return }
        var owned = Set<UUID>()
        for try await id in try await connection.query(
            "SELECT id FROM signal_sources WHERE user_id = \(user) AND id = ANY(\(sources))", logger: logger
        ).decode(UUID.self) { owned.insert(id) }
        if let index = sources.firstIndex(where: { !owned.contains($0) }) { throw Failure.unknownSource(index: index, id: sources[index]) }
    }

    /// The user's experiments (or only `id`), with their variants.
    static func experiments(user: UUID, id: UUID?, on connection: PostgresConnection, logger: Logger) async throws -> [Experiment] {
        let rows = try await connection.query(
            """
            SELECT e.id, e.name, e.mode, e.status, e.source_ids, e.strategies, e.symbols, e.created_at, e.started_at, e.stopped_at,
                coalesce((SELECT json_agg(json_build_array(v.name, v.engine, v.settings, v.weight::text, v.account_id) ORDER BY v.name)
                          FROM experiment_variants v WHERE v.experiment_id = e.id), '[]')::text
            FROM experiments e
            WHERE e.user_id = \(user) AND e.deleted_at IS NULL AND (\(id)::uuid IS NULL OR e.id = \(id))
            ORDER BY e.created_at DESC, e.id
            """,
            logger: logger)
        var experiments: [Experiment] = []
        for try await (id, name, mode, status, sources, strategies, symbols, created, started, stopped, variants) in rows.decode(
            (UUID, String, String, String, [UUID], [String], [String], Date, Date?, Date?, String).self)
        {
            guard let mode = Experiment.Mode(rawValue: mode), let status = Experiment.Status(rawValue: status) else {
                throw StoredValueError("experiment \(id) has mode '\(mode)' and status '\(status)'")
            }
            experiments.append(
                Experiment(
                    id: id, userID: user, name: name, mode: mode, status: status,
                    scope: ExperimentScope(sources: sources, strategies: strategies, symbols: symbols),
                    variants: try variantRows(variants), createdAt: created, startedAt: started, stoppedAt: stopped))
        }
        return experiments
    }

    private struct VariantRow: Decodable {
        var name: String
        var engine: String
        var settings: [String: String]
        var weight: String?
        var accountID: UUID

        init(from decoder: any Decoder) throws {
            var row = try decoder.unkeyedContainer()
            name = try row.decode(String.self)
            engine = try row.decode(String.self)
            settings = try row.decode([String: String].self)
            weight = try row.decodeIfPresent(String.self)
            accountID = try row.decode(UUID.self)
        }
    }

    private static func variantRows(_ text: String) throws -> [ExperimentVariant] {
        try JSONCoding.decoder.decode([VariantRow].self, from: Data(text.utf8)).map {
            ExperimentVariant(
                name: $0.name, engine: $0.engine, settings: $0.settings, weight: $0.weight.flatMap(ExactDecimal.parse),
                accountID: $0.accountID)
        }
    }
}
