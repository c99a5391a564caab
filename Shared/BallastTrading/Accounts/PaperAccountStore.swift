import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import PostgresNIO

/// Creates, funds and reads paper accounts and their balances (the `ballast account` commands and the API).
public struct PaperAccountStore: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case noSuchUser(String)
        case accountExists(String)
        case noAccount(String)
        case invalidAmount(String)
        case invalidCurrency(String)
        case insufficientFunds(asset: String, available: Decimal)

        public var description: String {
            switch self {
            case .noSuchUser(let user): "no user named '\(user)'"
            case .accountExists(let user): "user '\(user)' already has a paper account"
            case .noAccount(let user): "user '\(user)' has no paper account; create one with `ballast account create \(user)`"
            case .invalidAmount(let text): "amount must be a positive decimal with at most 8 decimals, got '\(text)'"
            case .invalidCurrency(let text): "a currency is 2 to 10 letters or digits, got '\(text)'"
            case .insufficientFunds(let asset, let available): "only \(available) \(asset) is available to withdraw"
            }
        }
    }

    let database: PostgresClient
    let logger: Logger

    public init(database: PostgresClient, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// `text` as a currency code (upper case), or nil.
    public static func currency(_ text: String) -> String? {
        let upper = text.uppercased()
        guard (2...10).contains(upper.count), upper.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return upper
    }

    /// A positive amount with at most 8 decimals, or nil.
    public static func amount(_ text: String) -> Decimal? {
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), value > 0,
            value == value.rounded(), text.allSatisfy({ $0.isNumber || $0 == "." })
        else { return nil }
        return value
    }

    /// Creates the account of user `name`, deposits `startingCash` of its currency and, with `defaultOrderNotional`,
    /// sets that risk limit, in one transaction.
    ///
    /// An exchange account (`exchange`) is made with account id `id` (its credentials are sealed for that id) and its
    /// sealed credentials, and its ledger opens with the exchange's balances (`startingCash` is not used): from then on
    /// the ledger follows its fills, and reconciliation reports where the exchange disagrees.
    public func create(
        user name: String, quoteCurrency: String, startingCash: Decimal, allowShort: Bool = false, pricing: ExecutionPricing? = nil,
        trustSignalPrice: Bool = false, defaultOrderNotional: Decimal? = nil,
        exchange: (id: UUID, venue: VenueKind, credentials: SealedCredentials, balances: [String: Decimal])? = nil
    ) async throws -> PaperAccount {
        let logger = self.logger
        return try await database.transaction(logger: logger) { connection in
            guard let userID = try await Self.userID(named: name, on: connection, logger: logger) else { throw Failure.noSuchUser(name) }
            let pricing = pricing ?? ExecutionPricing(takerFeeBps: 10, makerFeeBps: 5, slippageBps: 5)
            let rows = try await connection.query(
                """
                INSERT INTO paper_accounts (id, user_id, quote_currency, allow_short, taker_fee_bps, maker_fee_bps, slippage_bps,
                    trust_signal_price, venue)
                VALUES (coalesce(\(exchange?.id), gen_random_uuid()), \(userID), \(quoteCurrency), \(allowShort), \(pricing.takerFeeBps),
                    \(pricing.makerFeeBps), \(pricing.slippageBps), \(trustSignalPrice), \(exchange?.venue.rawValue ?? VenueKind.paper.rawValue))
                ON CONFLICT (user_id) WHERE portfolio_id IS NULL AND experiment_id IS NULL DO NOTHING
                RETURNING \(unescaped: PaperAccount.columns)
                """,
                logger: logger
            )
            var created: PaperAccount?
            for try await row in rows.decode(PaperAccount.Row.self) { created = PaperAccount(row: row) }
            guard let created else { throw Failure.accountExists(name) }
            let opening: [String: Decimal] = exchange?.balances ?? (startingCash > 0 ? [quoteCurrency: startingCash] : [:])
            if !opening.isEmpty {
                var writes = AccountWrites(account: created)
                writes.post(
                    opening.sorted { $0.key < $1.key }.filter { $0.value != 0 }.map {
                        LedgerEntry(asset: $0.key, bucket: .available, amount: $0.value, kind: .deposit)
                    })
                try await writes.flush(on: connection, logger: logger)
            }
            if let exchange {
                let credentials = exchange.credentials
                try await connection.execute(
                    """
                    INSERT INTO venue_credentials (account_id, api_key_sealed, secret_sealed, key_hint)
                    VALUES (\(created.id), \(ByteBuffer(data: credentials.apiKey)), \(ByteBuffer(data: credentials.secret)), \(credentials.keyHint))
                    """,
                    logger: logger)
            }
            if let defaultOrderNotional {
                try await RiskLimitsStore.save(
                    RiskLimits(defaultOrderNotional: defaultOrderNotional), account: created.id, on: connection, logger: logger)
            }
            return created
        }
    }

    /// Opens the paper account of portfolio `portfolio`, in the caller's transaction: priced like the owner's
    /// trading account when there is one, with the defaults otherwise, and empty.
    public static func openPortfolioAccount(
        user: UUID, portfolio: UUID, quoteCurrency: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> PaperAccount {
        let rows = try await connection.query(
            """
            INSERT INTO paper_accounts (user_id, portfolio_id, quote_currency, taker_fee_bps, maker_fee_bps, slippage_bps)
            SELECT \(user), \(portfolio), \(quoteCurrency), coalesce(t.taker_fee_bps, 10), coalesce(t.maker_fee_bps, 5),
                coalesce(t.slippage_bps, 5)
            FROM (SELECT 1) AS one
            LEFT JOIN paper_accounts t ON t.user_id = \(user) AND t.portfolio_id IS NULL AND t.experiment_id IS NULL
            RETURNING \(unescaped: PaperAccount.columns)
            """,
            logger: logger
        )
        for try await row in rows.decode(PaperAccount.Row.self) { return PaperAccount(row: row) }
        throw StoredValueError("opening the account of portfolio \(portfolio) returned no row")
    }

    /// Opens the paper account of an experiment's variant, in the caller's transaction: priced like the owner's trading
    /// account, with its risk limits when it has any, and funded with `startingCash`.
    static func openExperimentAccount(
        user: UUID, experiment: UUID, quoteCurrency: String, startingCash: Decimal, on connection: PostgresConnection, logger: Logger
    ) async throws -> PaperAccount {
        let rows = try await connection.query(
            """
            INSERT INTO paper_accounts (user_id, experiment_id, quote_currency, allow_short, taker_fee_bps, maker_fee_bps,
                slippage_bps, trust_signal_price)
            SELECT \(user), \(experiment), \(quoteCurrency), coalesce(t.allow_short, false), coalesce(t.taker_fee_bps, 10),
                coalesce(t.maker_fee_bps, 5), coalesce(t.slippage_bps, 5), coalesce(t.trust_signal_price, false)
            FROM (SELECT 1) AS one
            LEFT JOIN paper_accounts t ON t.user_id = \(user) AND t.portfolio_id IS NULL AND t.experiment_id IS NULL
            RETURNING \(unescaped: PaperAccount.columns)
            """,
            logger: logger
        )
        var opened: PaperAccount?
        for try await row in rows.decode(PaperAccount.Row.self) { opened = PaperAccount(row: row) }
        guard let opened else { throw StoredValueError("opening an account of experiment \(experiment) returned no row") }
        try await connection.execute(
            """
            INSERT INTO risk_limits (account_id, max_open_positions, max_open_positions_per_symbol, max_order_notional,
                max_position_percent_of_equity, max_total_exposure, min_order_notional, trading_sessions, default_order_notional,
                max_option_premium, max_option_contracts)
            SELECT \(opened.id), r.max_open_positions, r.max_open_positions_per_symbol, r.max_order_notional,
                r.max_position_percent_of_equity, r.max_total_exposure, r.min_order_notional, r.trading_sessions,
                r.default_order_notional, r.max_option_premium, r.max_option_contracts
            FROM risk_limits r JOIN paper_accounts t ON t.id = r.account_id
            WHERE t.user_id = \(user) AND t.portfolio_id IS NULL AND t.experiment_id IS NULL
            """,
            logger: logger)
        if startingCash > 0 {
            var writes = AccountWrites(account: opened)
            writes.post([LedgerEntry(asset: quoteCurrency, bucket: .available, amount: startingCash, kind: .deposit)])
            try await writes.flush(on: connection, logger: logger)
        }
        return opened
    }

    /// The account of user `name`.
    public func account(named name: String) async throws -> PaperAccount {
        let logger = self.logger
        return try await database.withConnection { connection in
            guard let userID = try await Self.userID(named: name, on: connection, logger: logger) else { throw Failure.noSuchUser(name) }
            let rows = try await connection.query(
                "SELECT \(unescaped: PaperAccount.columns) FROM paper_accounts WHERE user_id = \(userID) AND portfolio_id IS NULL AND experiment_id IS NULL",
                logger: logger)
            for try await row in rows.decode(PaperAccount.Row.self) { return PaperAccount(row: row) }
            throw Failure.noAccount(name)
        }
    }

    /// Adds `amount` of `asset` (the account's currency when nil) to the available balance of user `name`'s
    /// account (negative: withdraws).
    @discardableResult
    public func fund(user name: String, asset: String?, amount: Decimal) async throws -> Balance {
        let logger = self.logger
        return try await database.transaction(logger: logger) { connection in
            guard let userID = try await Self.userID(named: name, on: connection, logger: logger) else { throw Failure.noSuchUser(name) }
            guard let account = try await Self.lockAccount(of: userID, on: connection, logger: logger) else {
                throw Failure.noAccount(name)
            }
            let asset = asset ?? account.quoteCurrency
            let before = try await Self.balances(of: account.id, on: connection, logger: logger)[asset]
            if amount < 0, (before?.available ?? 0) + amount < 0 {
                throw Failure.insufficientFunds(asset: asset, available: before?.available ?? 0)
            }
            var writes = AccountWrites(account: account)
            writes.post([LedgerEntry(asset: asset, bucket: .available, amount: amount, kind: .deposit)])
            try await writes.flush(on: connection, logger: logger)
            return try await Self.balances(of: account.id, on: connection, logger: logger)[asset]
                ?? Balance(asset: asset, available: 0, locked: 0)
        }
    }

    /// The account of `userID`, if it has one.
    public func account(of userID: UUID) async throws -> PaperAccount? {
        let rows = try await database.query(
            "SELECT \(unescaped: PaperAccount.columns) FROM paper_accounts WHERE user_id = \(userID) AND portfolio_id IS NULL AND experiment_id IS NULL",
            logger: logger)
        for try await row in rows.decode(PaperAccount.Row.self) { return PaperAccount(row: row) }
        return nil
    }

    /// The balances of `accountID`, by asset.
    public func balances(of accountID: UUID) async throws -> [String: Balance] {
        let logger = self.logger
        return try await database.withConnection { connection in
            try await Self.balances(of: accountID, on: connection, logger: logger)
        }
    }

    static func userID(named name: String, on connection: PostgresConnection, logger: Logger) async throws -> UUID? {
        let rows = try await connection.query("SELECT id FROM users WHERE name = \(name)", logger: logger)
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }

    /// The account of `userID`, locked until the transaction ends: changes to one account happen one at a time.
    static func lockAccount(of userID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> PaperAccount? {
        let rows = try await connection.query(
            "SELECT \(unescaped: PaperAccount.columns) FROM paper_accounts WHERE user_id = \(userID) AND portfolio_id IS NULL AND experiment_id IS NULL FOR UPDATE",
            logger: logger)
        for try await row in rows.decode(PaperAccount.Row.self) { return PaperAccount(row: row) }
        return nil
    }

    /// Account `id`, locked until the transaction ends.
    static func lockAccount(id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> PaperAccount? {
        let rows = try await connection.query(
            "SELECT \(unescaped: PaperAccount.columns) FROM paper_accounts WHERE id = \(id) FOR UPDATE", logger: logger)
        for try await row in rows.decode(PaperAccount.Row.self) { return PaperAccount(row: row) }
        return nil
    }

    static func balances(of accountID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [String: Balance] {
        let rows = try await connection.query(
            "SELECT asset, available, locked FROM balances WHERE account_id = \(accountID)", logger: logger)
        var balances: [String: Balance] = [:]
        for try await (asset, available, locked) in rows.decode((String, Decimal, Decimal).self) {
            balances[asset] = Balance(asset: asset, available: available, locked: locked)
        }
        return balances
    }
}
