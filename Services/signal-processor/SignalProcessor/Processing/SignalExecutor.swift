import BallastCore
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// Turns one signal into its decision, in one transaction that holds the account's row lock: the order, its
/// fill, the ledger entries, the position and the events all commit together, or not at all. The decision
/// row (primary key: the signal id) and `orders (account_id, client_order_id)` make a redelivered signal
/// change nothing.
public struct SignalExecutor: Sendable {
    let database: PostgresClient
    let prices: MarketPrices
    let settings: ExecutionSettings
    let outboxWakeup: OutboxWakeup?
    let logger: Logger

    public init(
        database: PostgresClient, prices: MarketPrices, settings: ExecutionSettings, outboxWakeup: OutboxWakeup? = nil, logger: Logger
    ) {
        self.database = database
        self.prices = prices
        self.settings = settings
        self.outboxWakeup = outboxWakeup
        self.logger = logger
    }

    public func execute(_ signal: SignalDocument) async throws -> SignalOutcome {
        let request = OrderRequest.from(signal)
        // Read before the transaction: Redis is not part of it, and the lock should not wait on it.
        let quote: MarketPrice? = if case .success(let order) = request { try await prices.latest(order.symbol) } else { nil }
        let now = Date()
        let logger = self.logger
        let outcome = try await database.withTransaction(logger: logger) { connection in
            var run = SignalRun(signal: signal, connection: connection, settings: settings, logger: logger)
            return try await run.decide(request, quote: quote, now: now)
        }
        if outcome != .alreadyDecided { outboxWakeup?.wake() }
        return outcome
    }
}

/// One signal's transaction.
private struct SignalRun {
    let signal: SignalDocument
    let connection: PostgresConnection
    let settings: ExecutionSettings
    let logger: Logger

    init(signal: SignalDocument, connection: PostgresConnection, settings: ExecutionSettings, logger: Logger) {
        self.signal = signal
        self.connection = connection
        self.settings = settings
        self.logger = logger
    }

    mutating func decide(_ request: Result<OrderRequest, RejectionReasons>, quote: MarketPrice?, now: Date) async throws -> SignalOutcome {
        let account = try await PaperAccounts.lockAccount(of: signal.userId, on: connection, logger: logger)
        if try await alreadyDecided() { return .alreadyDecided }
        guard let account else {
            return try await reject(
                [RiskViolation(rule: "no_account", message: "the user has no paper trading account")], account: nil, order: nil)
        }
        let order: OrderRequest
        switch request {
        case .failure(let reasons): return try await reject(reasons.reasons, account: account, order: nil)
        case .success(let parsed): order = parsed
        }
        var reasons: [RiskViolation] = []
        let instrument = Instrument(symbol: order.symbol)
        if try await !isKnown(order.symbol) {
            reasons.append(RiskViolation(rule: "unknown_symbol", message: "no market data for \(order.symbol)"))
        } else if let instrument, instrument.quote != account.quoteCurrency {
            reasons.append(
                RiskViolation(
                    rule: "currency_mismatch",
                    message: "\(order.symbol) is quoted in \(instrument.quote); the account holds \(account.quoteCurrency)")
            )
        } else if instrument == nil {
            reasons.append(RiskViolation(rule: "unknown_symbol", message: "cannot tell the base and quote assets of \(order.symbol)"))
        }
        guard reasons.isEmpty, let instrument else { return try await reject(reasons, account: account, order: order) }

        // The price a market order would take: the signal's own when the account trusts it, else a fresh last trade.
        let reference: Decimal
        if account.trustSignalPrice, order.type == .market, let price = order.price {
            reference = price
        } else if let quote, now.timeIntervalSince(quote.time) <= Double(settings.maxPriceAge.components.seconds) {
            reference = quote.price
        } else {
            let age = quote.map { "the last trade is \(Int(now.timeIntervalSince($0.time))) s old" } ?? "market-data has no price"
            return try await reject(
                [RiskViolation(rule: "no_price", message: "no fresh price for \(order.symbol): \(age)")], account: account, order: order)
        }

        let state = try await AccountState.load(account: account, on: connection, logger: logger)
        let position = state.openPosition(symbol: order.symbol, strategy: order.strategy)
        let takerPrice = account.pricing.takerPrice(order.side, reference: reference)
        // A limit order fills at once when the market is already at its price or better.
        let marketable = order.type == .market || order.price.map { order.side == .buy ? takerPrice <= $0 : takerPrice >= $0 } ?? false
        let expectedPrice = marketable ? takerPrice : (order.price ?? takerPrice)
        let limits = try await RiskLimitsStore.load(account: account.id, on: connection, logger: logger)
        let input = state.riskInput(
            for: order, price: expectedPrice, position: position, marketPrices: [order.symbol: reference], instrument: instrument, now: now
        )
        let violations = RiskCheck.violations(input, limits: limits)
        if !violations.isEmpty { return try await reject(violations, account: account, order: order) }

        var record = OrderRecord(
            id: UUID.random(), accountID: account.id, clientOrderID: order.signalID.uuidString.lowercased(), signalID: order.signalID,
            symbol: order.symbol, side: order.side, type: order.type, timeInForce: order.timeInForce,
            limitPrice: order.type == .limit ? order.price : nil, quantity: order.quantity, status: .new, strategy: order.strategy,
            stopLoss: order.stopLoss, takeProfit: order.takeProfit, expiresAt: expiry(of: order, limits: limits, now: now),
            receivedAt: order.receivedAt
        )
        var events = [try TradingEvent.envelope(TradingEvent.orderCreated, userID: account.userID, at: now, data: OrderView(record))]
        if marketable {
            try await OrderStore.insert(record, on: connection, logger: logger)
            let booking = FillBooking(account: account, instrument: instrument, logger: logger)
            let outcome = try await booking.book(
                quantity: order.quantity, price: takerPrice, liquidity: .taker, marketTradeID: nil, order: &record, position: position,
                at: now, on: connection
            )
            events += outcome.events
            try await OrderStore.update(record, on: connection, logger: logger)
        } else if order.timeInForce == .ioc {
            record.status = .canceled
            record.reason = "immediate or cancel: the market is not at the limit"
            try await OrderStore.insert(record, on: connection, logger: logger)
            events.append(try TradingEvent.envelope(TradingEvent.orderCanceled, userID: account.userID, at: now, data: OrderView(record)))
        } else {
            // Resting: hold back what the order can use, so other orders cannot spend it.
            let lock = OrderLocks.reservation(for: record, position: position, pricing: account.pricing, instrument: instrument)
            record.lockedAsset = lock.asset
            record.lockedAmount = lock.amount
            try await OrderStore.insert(record, on: connection, logger: logger)
            try await Ledger.post(
                LedgerEntry.move(lock.amount, of: lock.asset, locking: true, orderID: record.id), account: account.id, on: connection,
                logger: logger
            )
        }
        try await recordDecision(status: "accepted", account: account, orderID: record.id, reasons: [])
        for event in events { try await Outbox.enqueue(event, to: StreamName.events, on: connection, logger: logger) }
        return .ordered(orderID: record.id, status: record.status)
    }

    /// A `gtd` order's own expiry; a `day` order ends with its market's session, or at the next UTC midnight.
    private func expiry(of order: OrderRequest, limits: RiskLimits, now: Date) -> Date? {
        switch order.timeInForce {
        case .gtd: return order.expiresAt
        case .day:
            let sessionEnd = limits.sessions(for: order.exchange).compactMap { $0.closing(after: now) }.min()
            return sessionEnd ?? Date(epochSeconds: (now.epochSeconds / 86_400 + 1) * 86_400)
        case .gtc, .ioc: return nil
        }
    }

    private func alreadyDecided() async throws -> Bool {
        let rows = try await connection.query("SELECT 1 FROM signal_decisions WHERE signal_id = \(signal.id)", logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    private func isKnown(_ symbol: String) async throws -> Bool {
        let rows = try await connection.query("SELECT 1 FROM market_symbols WHERE symbol = \(symbol)", logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    /// Stores the rejection (with an order row in status `rejected` when the request could be read) and its event.
    private func reject(_ reasons: [RiskViolation], account: PaperAccount?, order: OrderRequest?) async throws -> SignalOutcome {
        var orderID: UUID?
        if let account, let order {
            let record = OrderRecord(
                id: UUID.random(), accountID: account.id, clientOrderID: order.signalID.uuidString.lowercased(), signalID: order.signalID,
                symbol: order.symbol, side: order.side, type: order.type, timeInForce: order.timeInForce,
                limitPrice: order.type == .limit ? order.price : nil, quantity: order.quantity, status: .rejected,
                reason: reasons.map(\.description).joined(separator: "; "), strategy: order.strategy, stopLoss: order.stopLoss,
                takeProfit: order.takeProfit, receivedAt: order.receivedAt
            )
            try await OrderStore.insert(record, on: connection, logger: logger)
            orderID = record.id
        }
        guard try await recordDecision(status: "rejected", account: account, orderID: orderID, reasons: reasons) else {
            return .alreadyDecided
        }
        let rejection = SignalRejection(signalId: signal.id, symbol: signal.symbol, orderId: orderID, reasons: reasons)
        let event = try TradingEvent.envelope(TradingEvent.signalRejected, userID: signal.userId, at: Date(), data: rejection)
        try await Outbox.enqueue(event, to: StreamName.events, on: connection, logger: logger)
        logger.info(
            "signal rejected",
            metadata: ["signal_id": "\(signal.id)", "reasons": "\(reasons.map(\.rule).joined(separator: ","))"]
        )
        return .rejected(reasons)
    }

    /// Inserts the decision row; false when the signal was decided meanwhile (without an account lock to wait on).
    @discardableResult
    private func recordDecision(status: String, account: PaperAccount?, orderID: UUID?, reasons: [RiskViolation]) async throws -> Bool {
        let reasonsJSON = String(decoding: try JSONCoding.encoder.encode(reasons), as: UTF8.self)
        let rows = try await connection.query(
            """
            INSERT INTO signal_decisions (signal_id, user_id, account_id, status, reasons, order_id, received_at)
            VALUES (\(signal.id), \(signal.userId), \(account?.id), \(status), \(reasonsJSON)::jsonb, \(orderID), \(signal.receivedAt))
            ON CONFLICT (signal_id) DO NOTHING
            RETURNING 1
            """,
            logger: logger
        )
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }
}
