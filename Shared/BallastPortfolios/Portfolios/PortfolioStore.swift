import BallastCore
import BallastMarket
import BallastPostgres
import BallastTrading
import Foundation
import Logging
import PostgresNIO

/// Reads and writes portfolios, always scoped to their owner; every change publishes its `portfolio.*` event in
/// the same transaction.
public struct PortfolioStore: Sendable {
    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Creates the portfolio and its paper account, funded as `funding` says, in one transaction. A negative amount
    /// is refused (`PortfolioFieldError`): a transfer of one would create cash in the trading account.
    public func create(_ settings: PortfolioSettings, user: UUID, funding: PortfolioFunding, now: Date = Date()) async throws -> Portfolio {
        switch funding {
        case .initialCash(let amount) where amount.units < 0:
            throw PortfolioFieldError("initialCash", "must not be negative, got \(amount)")
        case .transfer(let amount) where amount.units < 0:
            throw PortfolioFieldError("transferFromAccount", "must not be negative, got \(amount)")
        default: break
        }
        let id = UUID.random()
        let logger = self.logger
        return try await database.transaction(logger: logger) { connection in
            try await Self.lockNames(of: user, on: connection, logger: logger)
            try await Self.checkName(settings.name, user: user, except: nil, on: connection, logger: logger)
            if case .transfer(let amount) = funding {
                guard var trading = try await LockedAccount.lockTradingAccount(of: user, on: connection, logger: logger) else {
                    throw PortfolioStoreError.noTradingAccount
                }
                guard trading.account.quoteCurrency == settings.quoteCurrency else {
                    throw PortfolioStoreError.currencyMismatch(
                        tradingCurrency: trading.account.quoteCurrency, quoteCurrency: settings.quoteCurrency)
                }
                do {
                    try trading.deposit(-Decimal(amount), of: settings.quoteCurrency)
                } catch PaperAccountStore.Failure.insufficientFunds(let asset, let available) {
                    throw PortfolioStoreError.insufficientFunds(asset: asset, available: available)
                }
                try await trading.write()
            }
            let account: PaperAccount
            if case .tradingAccount = funding {
                account = try await Self.wholeTradingAccount(of: user, currency: settings.quoteCurrency, on: connection, logger: logger)
            } else {
                account = try await PaperAccountStore.openPortfolioAccount(
                    user: user, portfolio: id, quoteCurrency: settings.quoteCurrency, on: connection, logger: logger)
            }
            let next = settings.method.followsSchedule ? settings.schedule.next(after: now) : nil
            let rows = try await connection.query(
                """
                WITH p AS (
                    INSERT INTO portfolios (
                        id, user_id, account_id, name, quote_currency, target_weights, method, schedule_interval, schedule, time_zone,
                        drift_threshold, threshold_relative, rebalance_to, min_trade_value, max_orders, dry_run, next_rebalance_at,
                        created_at, updated_at)
                    VALUES (
                        \(id), \(user), \(account.id), \(settings.name), \(settings.quoteCurrency),
                        \(PortfolioRow.weightsJSON(settings.targetWeights))::jsonb, \(settings.method.rawValue),
                        \(settings.schedule.interval.rawValue), \(settings.schedule.cron.description),
                        \(settings.schedule.timeZoneName), \(settings.driftThreshold.description)::numeric,
                        \(settings.thresholdIsRelative), \(settings.rebalanceTo.rawValue), \(settings.minimumTradeValue.description)::numeric,
                        \(settings.maxOrders), \(settings.dryRun), \(next), \(now), \(now))
                    RETURNING *
                )
                SELECT \(unescaped: PortfolioRow.columns) FROM p
                """,
                logger: logger
            )
            guard let portfolio = try await PortfolioRow.decode(rows).first else { throw PortfolioStoreError.badRow(id) }
            switch funding {
            case .initialCash(let amount), .transfer(let amount):
                if amount.isPositive {
                    guard var locked = try await LockedAccount.lock(id: account.id, on: connection, logger: logger) else {
                        throw PortfolioStoreError.badRow(id)
                    }
                    try locked.deposit(Decimal(amount), of: settings.quoteCurrency)
                    try await locked.write()
                }
            case .none, .tradingAccount: break
            }
            try await Self.publish(PortfolioEvent.created, portfolio, at: now, on: connection, logger: logger)
            return portfolio
        }
    }

    /// The owner's trading account, locked, for a portfolio that trades all of it: in the portfolio's currency, and not
    /// another live portfolio's already.
    private static func wholeTradingAccount(
        of user: UUID, currency: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> PaperAccount {
        guard let trading = try await LockedAccount.lockTradingAccount(of: user, on: connection, logger: logger)?.account else {
            throw PortfolioStoreError.noTradingAccount
        }
        guard trading.quoteCurrency == currency else {
            throw PortfolioStoreError.currencyMismatch(tradingCurrency: trading.quoteCurrency, quoteCurrency: currency)
        }
        let rows = try await connection.query(
            "SELECT 1 FROM portfolios WHERE account_id = \(trading.id) AND deleted_at IS NULL", logger: logger)
        for try await _ in rows.decode(Int.self) { throw PortfolioStoreError.tradingAccountTaken }
        return trading
    }

    /// `user`'s portfolios, newest first.
    public func list(user: UUID, after cursor: PageCursor?, limit: Int) async throws -> Page<Portfolio> {
        let rows = try await database.query(
            """
            SELECT \(unescaped: PortfolioRow.columns) FROM portfolios p
            WHERE p.user_id = \(user) AND p.deleted_at IS NULL
              AND (\(cursor == nil) OR (p.created_at, p.id) < (\(cursor?.date ?? Date()), \(cursor?.id ?? UUID())))
            ORDER BY p.created_at DESC, p.id DESC
            LIMIT \(limit + 1)
            """,
            logger: logger
        )
        let portfolios = try await PortfolioRow.decode(rows)
        return Page(portfolios.map { ($0, PageCursor(date: $0.createdAt, id: $0.id)) }, limit: limit)
    }

    /// Portfolio `id` of `user`; nil when it does not exist, is deleted or is another user's.
    public func portfolio(_ id: UUID, user: UUID) async throws -> Portfolio? {
        let rows = try await database.query(
            "SELECT \(unescaped: PortfolioRow.columns) FROM portfolios p WHERE p.id = \(id) AND p.user_id = \(user) AND p.deleted_at IS NULL",
            logger: logger)
        return try await PortfolioRow.decode(rows).first
    }

    /// Replaces the settings of portfolio `id` (its quote currency cannot change). The next scheduled time is
    /// computed again from the schedule; nil when nothing is found.
    ///
    /// With `unchangedSince` (the `updatedAt` the new settings were made from), a portfolio changed since then is not
    /// overwritten: `changedMeanwhile` is thrown, and a partial change is made again from what is stored now. Any
    /// change ends a reported drift crossing, so the monitor weighs the portfolio again by its new settings.
    public func update(
        _ id: UUID, user: UUID, settings: PortfolioSettings, unchangedSince: Date? = nil, now: Date = Date()
    ) async throws -> Portfolio? {
        let logger = self.logger
        return try await database.transaction(logger: logger) { connection -> Portfolio? in
            try await Self.lockNames(of: user, on: connection, logger: logger)
            guard let current = try await Self.lock(id, user: user, on: connection, logger: logger) else { return nil }
            if let unchangedSince, current.updatedAt != unchangedSince { throw PortfolioStoreError.changedMeanwhile }
            guard settings.quoteCurrency == current.quoteCurrency else { throw PortfolioStoreError.quoteCurrencyFixed }
            try await Self.checkName(settings.name, user: user, except: id, on: connection, logger: logger)
            let scheduleChanged = settings.schedule != current.settings.schedule || settings.method != current.settings.method
            let next =
                !settings.method.followsSchedule
                ? nil
                : scheduleChanged || current.nextRebalanceAt == nil
                    ? settings.schedule.next(after: now) : current.nextRebalanceAt
            let rows = try await connection.query(
                """
                WITH p AS (
                    UPDATE portfolios SET
                        name = \(settings.name), target_weights = \(PortfolioRow.weightsJSON(settings.targetWeights))::jsonb,
                        method = \(settings.method.rawValue), schedule_interval = \(settings.schedule.interval.rawValue),
                        schedule = \(settings.schedule.cron.description), time_zone = \(settings.schedule.timeZoneName),
                        drift_threshold = \(settings.driftThreshold.description)::numeric, threshold_relative = \(settings.thresholdIsRelative),
                        rebalance_to = \(settings.rebalanceTo.rawValue), min_trade_value = \(settings.minimumTradeValue.description)::numeric,
                        max_orders = \(settings.maxOrders), dry_run = \(settings.dryRun), next_rebalance_at = \(next), updated_at = \(now),
                        over_threshold = false
                    WHERE id = \(id)
                    RETURNING *
                )
                SELECT \(unescaped: PortfolioRow.columns) FROM p
                """,
                logger: logger
            )
            guard let updated = try await PortfolioRow.decode(rows).first else { return nil }
            try await Self.publish(PortfolioEvent.updated, updated, at: now, on: connection, logger: logger)
            return updated
        }
    }

    /// Pauses (no drift monitoring, no scheduled runs) or resumes portfolio `id`. Resuming computes the next
    /// scheduled time from now: times missed while paused are not made up. Nil when nothing is found.
    public func setPaused(_ id: UUID, user: UUID, paused: Bool, now: Date = Date()) async throws -> Portfolio? {
        let logger = self.logger
        return try await database.transaction(logger: logger) { connection -> Portfolio? in
            guard let current = try await Self.lock(id, user: user, on: connection, logger: logger) else { return nil }
            guard current.paused != paused else { return current }
            let next =
                !paused && current.settings.method.followsSchedule ? current.settings.schedule.next(after: now) : current.nextRebalanceAt
            let rows = try await connection.query(
                """
                WITH p AS (
                    UPDATE portfolios SET paused = \(paused), over_threshold = false, next_rebalance_at = \(next), updated_at = \(now)
                    WHERE id = \(id) RETURNING *
                )
                SELECT \(unescaped: PortfolioRow.columns) FROM p
                """,
                logger: logger
            )
            guard let changed = try await PortfolioRow.decode(rows).first else { return nil }
            try await Self.publish(
                paused ? PortfolioEvent.paused : PortfolioEvent.resumed, changed, at: now, on: connection, logger: logger)
            return changed
        }
    }

    /// Deletes portfolio `id`: it is no longer listed, monitored or rebalanced, and a run still waiting fails. Its
    /// account, with what it holds, and its run history stay for the record. False when nothing is found.
    public func delete(_ id: UUID, user: UUID, now: Date = Date()) async throws -> Bool {
        let logger = self.logger
        return try await database.transaction(logger: logger) { connection -> Bool in
            guard var current = try await Self.lock(id, user: user, on: connection, logger: logger) else { return false }
            try await connection.query("UPDATE portfolios SET deleted_at = \(now), updated_at = \(now) WHERE id = \(id)", logger: logger)
            let failedRows = try await connection.query(
                """
                WITH r AS (
                    UPDATE rebalance_runs SET status = 'failed', finished_at = \(now),
                        errors = errors || '["the portfolio was deleted before the run started"]'::jsonb
                    WHERE portfolio_id = \(id) AND status = 'pending'
                    RETURNING *
                )
                SELECT \(unescaped: RebalanceRunRow.columns) FROM r
                """,
                logger: logger)
            // A run that fails here fails like any other: with its rebalance.failed event.
            for run in try await RebalanceRunRow.decode(failedRows) {
                let event = try Envelope.event(
                    PortfolioEvent.rebalanceFailed, userID: run.userID, at: now, data: RebalanceRunView(run, detailed: false))
                try await Outbox.enqueue(event, to: StreamName.events, on: connection, logger: logger)
            }
            current.updatedAt = now
            try await Self.publish(PortfolioEvent.deleted, current, at: now, on: connection, logger: logger)
            return true
        }
    }

    /// Which of `symbols` market-data knows (`market_symbols`): an asset of a portfolio must have a market in its
    /// quote currency.
    public func knownSymbols(_ symbols: [String]) async throws -> Set<String> {
        let rows = try await database.query("SELECT symbol FROM market_symbols WHERE symbol = ANY(\(symbols))", logger: logger)
        var known = Set<String>()
        for try await symbol in rows.decode(String.self) { known.insert(symbol) }
        return known
    }

    // MARK: In a transaction

    /// Portfolio `id` of `user`, locked until the transaction ends; nil when it does not exist or is deleted.
    static func lock(_ id: UUID, user: UUID?, on connection: PostgresConnection, logger: Logger) async throws -> Portfolio? {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: PortfolioRow.columns) FROM portfolios p
            WHERE p.id = \(id) AND (\(user)::uuid IS NULL OR p.user_id = \(user)) AND p.deleted_at IS NULL
            FOR UPDATE
            """,
            logger: logger)
        return try await PortfolioRow.decode(rows).first
    }

    /// Changes to one user's portfolio names queue here until commit, so two of them cannot take the same name.
    private static func lockNames(of user: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended('portfolios:' || \(user)::text, 0))", logger: logger)
    }

    private static func checkName(
        _ name: String, user: UUID, except id: UUID?, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let rows = try await connection.query(
            """
            SELECT 1 FROM portfolios
            WHERE user_id = \(user) AND lower(name) = lower(\(name)) AND deleted_at IS NULL AND (\(id)::uuid IS NULL OR id <> \(id))
            """,
            logger: logger)
        for try await _ in rows.decode(Int.self) { throw PortfolioStoreError.nameTaken(name) }
    }

    static func publish(
        _ type: String, _ portfolio: Portfolio, at time: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let event = try Envelope.event(type, userID: portfolio.userID, at: time, data: PortfolioView(portfolio))
        try await Outbox.enqueue(event, to: StreamName.events, on: connection, logger: logger)
    }
}
