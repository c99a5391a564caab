import BallastCore
import BallastMarket
import BallastPostgres
import Foundation
import Logging
import PostgresNIO

/// Turns signals into decisions. The signals of one user are decided in one transaction that holds the
/// account's row lock: one after the other in memory, each seeing the effect of the ones before, then the
/// orders, fills, ledger entries, positions, decisions and events of all of them are written together
/// (`AccountWrites`) and commit together, or not at all. The decision row (primary key: the signal id) and
/// `orders (account_id, client_order_id)` make a redelivered signal change nothing.
public struct SignalExecutor: Sendable {
    let database: PostgresClient
    let prices: MarketPrices
    let settings: ExecutionSettings
    let outboxWakeup: Wakeup?
    /// Tickers to market symbols (`BTCUSD` trades `BTC-USD`).
    let symbolCatalogue: KnownSymbols
    let logger: Logger

    /// `symbols` defaults to `market_symbols` of `database` with the default aliases and no quote mapping.
    public init(
        database: PostgresClient, prices: MarketPrices, settings: ExecutionSettings, outboxWakeup: Wakeup? = nil,
        symbols: KnownSymbols? = nil, logger: Logger
    ) {
        self.database = database
        self.prices = prices
        self.settings = settings
        self.outboxWakeup = outboxWakeup
        self.symbolCatalogue = symbols ?? KnownSymbols(database: database, settings: SymbolCatalogueSettings(), logger: logger)
        self.logger = logger
    }

    public func execute(_ signal: SignalDocument) async throws -> SignalOutcome {
        try await execute(user: signal.userID, [signal])[0]
    }

    /// Decides `signals`, all of user `userID`, in one transaction; one outcome per signal, in order. The
    /// user's earlier signals that are not decided yet are decided first, in the order ingest accepted them
    /// (see `SignalSequenceGate`).
    public func execute(user userID: UUID, _ signals: [SignalDocument]) async throws -> [SignalOutcome] {
        let symbolCatalogue = self.symbolCatalogue
        let batchSymbols = try await SignalSymbols.resolve(signals, with: symbolCatalogue)
        let requests = signals.map(batchSymbols.request)
        // The last prices come from Redis, outside the transaction, while BEGIN makes its round trip; they are
        // awaited before the account is locked, so a slow Redis never holds the lock.
        let prices = self.prices
        let symbols = Set(requests.compactMap { try? $0.get().symbol })
        let quotesTask = Task {
            var quotes: [String: MarketPrice] = [:]
            for symbol in symbols {
                if let quote = try await prices.latest(symbol) { quotes[symbol] = quote }
            }
            return quotes
        }
        defer { quotesTask.cancel() }
        let now = Date()
        let logger = self.logger
        let settings = self.settings
        let database = self.database
        // The `confirmed` engine's candles too are read before the lock, on another connection.
        var candleNeeds: [CandleSeriesKey: Int] = [:]
        for (signal, request) in zip(signals, requests) {
            guard let symbol = try? request.get().symbol else { continue }
            for target in DecisionTarget.targets(of: signal) {
                if let key = target.candleKey(symbol: symbol) { candleNeeds[key] = max(candleNeeds[key] ?? 0, target.candleCount) }
            }
            // An option priced at a volatility estimated from the underlying's hourly candles.
            if case .success(let request) = request, request.option != nil, request.option?.volatility == nil,
                settings.options.volatility == nil
            {
                let key = CandleSeriesKey(symbol: symbol, interval: .oneHour)
                candleNeeds[key] = max(candleNeeds[key] ?? 0, settings.options.volatilityCandles)
            }
        }
        let candlesTask = Task { [candleNeeds] in
            var candles: [CandleSeriesKey: CandleSeries] = [:]
            for (key, count) in candleNeeds {
                candles[key] = try await CandleHistory.recent(
                    symbol: key.symbol, interval: key.interval, count: count, before: now, on: database, logger: logger)
            }
            return candles
        }
        defer { candlesTask.cancel() }
        let outcomes = try await database.transaction(logger: logger) { connection in
            var quotes = try await quotesTask.value
            var candles = try await candlesTask.value
            var gate = try await SignalSequenceGate.open(user: userID, on: connection, logger: logger)
            let admitted = try await gate.admit(signals, on: connection, logger: logger)
            let resolved = try await SignalSymbols.resolve(
                admitted.map(\.signal), with: symbolCatalogue, besides: batchSymbols, reloadingOnMiss: false)
            let targets = admitted.map { DecisionTarget.targets(of: $0.signal) }
            // Earlier signals decided with this batch were not in it: their prices and candles are read here, under the
            // lock (rare: only when the stream delivered a user's signals out of order).
            let incoming = Set(signals.map(\.id))
            for ((signal, _), signalTargets) in zip(admitted, targets) where !incoming.contains(signal.id) {
                guard case .success(let request) = resolved.request(for: signal) else { continue }
                if quotes[request.symbol] == nil, let quote = try await prices.latest(request.symbol) { quotes[request.symbol] = quote }
                var needs = signalTargets.compactMap { target in target.candleKey(symbol: request.symbol).map { ($0, target.candleCount) } }
                if request.option != nil, request.option?.volatility == nil, settings.options.volatility == nil {
                    needs.append((CandleSeriesKey(symbol: request.symbol, interval: .oneHour), settings.options.volatilityCandles))
                }
                for (key, count) in needs where (candles[key]?.count ?? -1) < count {
                    candles[key] = try await CandleHistory.recent(
                        symbol: key.symbol, interval: key.interval, count: count, before: now, on: database, logger: logger)
                }
            }
            var runs = try await SignalBatchRuns.start(
                user: userID, signals: admitted.map(\.signal), targets: targets, connection: connection, logger: logger)
            var decided: [UUID: SignalOutcome] = [:]
            for ((signal, admission), signalTargets) in zip(admitted, targets) {
                let request: Result<OrderRequest, RejectionReasons> =
                    switch admission {
                    case .decide: resolved.request(for: signal)
                    case .late: .failure(RejectionReasons([Self.outOfSequence(signal)]))
                    }
                for target in signalTargets {
                    let outcome = try await runs.decide(
                        signal, request, target: target, quotes: quotes, candles: candles, symbols: resolved, settings: settings,
                        now: now)
                    if target.isPrimary, decided[signal.id] == nil { decided[signal.id] = outcome }
                }
            }
            try await runs.finish()
            try await gate.save(on: connection, logger: logger)
            return signals.map { decided[$0.id] ?? .alreadyDecided }
        }
        if outcomes.contains(where: { $0 != .alreadyDecided }) { outboxWakeup?.wake() }
        return outcomes
    }

    private static func outOfSequence(_ signal: SignalDocument) -> RiskViolation {
        RiskViolation(
            rule: "out_of_sequence",
            message: "signal \(signal.sequence.map(String.init) ?? "?") of its user comes after later signals were decided; "
                + "acting on it now would reorder them")
    }
}

/// One transaction's signals, decided in memory against one account's state.
struct SignalBatchRun {
    let connection: PostgresConnection
    let logger: Logger
    let account: PaperAccount?
    var state: AccountState?
    let limits: RiskLimits
    var decided: Set<UUID>
    var knownSymbols: Set<String>
    var writes: AccountWrites?
    /// Decisions without an account (nothing to lock): written one by one, each only if still undecided.
    var unlockedRejections: [(signal: SignalDocument, decisionID: UUID, reasons: [RiskViolation])] = []
    /// The id each signal's decision on this account is recorded under, where it is not the signal's own (a shadow
    /// experiment's other variants, `SignalRouting.decisionID`).
    var decisionIDs: [UUID: UUID] = [:]
    /// The experiment and variant each routed signal is decided for on this account.
    var experiments: [UUID: (id: UUID, variant: String)] = [:]

    /// Locks the trading account of `user` (`account` nil) or account `account`, to decide `signals` under
    /// `decisionIDs` (the signal's id where absent).
    static func start(
        user: UUID, account accountID: UUID? = nil, signals: [SignalDocument], decisionIDs: [UUID: UUID] = [:],
        experiments: [UUID: (id: UUID, variant: String)] = [:], connection: PostgresConnection, logger: Logger
    ) async throws -> SignalBatchRun {
        let symbols = Array(Set(signals.map { $0.symbol.uppercased() }))
        let ids = signals.map { decisionIDs[$0.id] ?? $0.id }
        let locked =
            if let accountID {
                try await AccountSnapshot.lock(account: accountID, signals: ids, symbols: symbols, on: connection, logger: logger)
            } else {
                try await AccountSnapshot.lock(user: user, signals: ids, symbols: symbols, on: connection, logger: logger)
            }
        guard let snapshot = locked else {
            var decided = Set<UUID>()
            for try await id in try await connection.query(
                "SELECT signal_id FROM signal_decisions WHERE signal_id = ANY(\(ids))", logger: logger
            ).decode(UUID.self) { decided.insert(id) }
            return SignalBatchRun(
                connection: connection, logger: logger, account: nil, state: nil, limits: RiskLimits(), decided: decided,
                knownSymbols: [], writes: nil, decisionIDs: decisionIDs, experiments: experiments)
        }
        return SignalBatchRun(
            connection: connection, logger: logger, account: snapshot.account, state: snapshot.state, limits: snapshot.limits,
            decided: snapshot.decided, knownSymbols: snapshot.knownSymbols, writes: AccountWrites(account: snapshot.account),
            decisionIDs: decisionIDs, experiments: experiments)
    }

    /// The id `signal`'s decision on this account is recorded under.
    func decisionID(of signal: SignalDocument) -> UUID { decisionIDs[signal.id] ?? signal.id }

    mutating func decide(
        _ signal: SignalDocument, _ request: Result<OrderRequest, RejectionReasons>, engine: Result<DecisionEngine, EngineSettingsError>,
        quotes: [String: MarketPrice], candles: [CandleSeriesKey: CandleSeries], symbols: SignalSymbols, settings: ExecutionSettings,
        now: Date
    ) async throws -> SignalOutcome {
        let decisionID = decisionID(of: signal)
        guard !decided.contains(decisionID) else { return .alreadyDecided }
        decided.insert(decisionID)
        guard let account, var state, var writes else {
            let reasons = [RiskViolation(rule: "no_account", message: "the user has no paper trading account")]
            unlockedRejections.append((signal, decisionID, reasons))
            return .rejected(reasons)
        }
        defer {
            self.state = state
            self.writes = writes
        }
        do {
            let engine = try engine.mapError { SignalRefusal([RiskViolation(rule: "invalid_engine", message: $0.description)]) }.get()
            return try await decide(
                signal, request, engine: engine, account: account, state: &state, writes: &writes, quotes: quotes, candles: candles,
                symbols: symbols, settings: settings, now: now)
        } catch let refusal as SignalRefusal {
            return try reject(signal, refusal.reasons, order: refusal.order, account: account, into: &writes)
        }
    }

    /// A signal's decision in the steps a trader would take: read the order, check its market, settle it against the
    /// position, price it, size and complete it, close what it closes, check the risk limits, place and book it. A
    /// step that refuses throws `SignalRefusal`.
    private func decide(
        _ signal: SignalDocument, _ request: Result<OrderRequest, RejectionReasons>, engine: DecisionEngine, account: PaperAccount,
        state: inout AccountState, writes: inout AccountWrites, quotes: [String: MarketPrice], candles: [CandleSeriesKey: CandleSeries],
        symbols: SignalSymbols, settings: ExecutionSettings, now: Date
    ) async throws -> SignalOutcome {
        var order = try request.mapError { SignalRefusal($0.reasons) }.get()
        let instrument = try market(of: order, signal: signal, symbols: symbols, account: account)
        if order.intent == .cancel {
            return try await cancelOpenOrders(for: signal, order, account: account, state: &state, into: &writes, now: now)
        }
        if let terms = order.option {
            return try await OptionDecision(run: self, candles: candles, settings: settings, now: now).decide(
                order, terms, signal: signal, underlying: instrument, account: account, quote: quotes[order.symbol], state: &state,
                writes: &writes)
        }
        let position = state.openPosition(symbol: order.symbol, strategy: order.strategy)
        // Only a plain trade knows its side before the position is read: the others record no order when refused.
        order = try order.sized(for: position).mapError { SignalRefusal([$0], order: order.intent == .trade ? order : nil) }.get()
        let fill = try expectedFill(of: order, quote: quotes[order.symbol], account: account, settings: settings, now: now)
        var confirmation: (EntryConfirmation, ConfirmationSettings)?
        if case .confirmed(let confirmationSettings) = engine, Self.isEntry(order, position: position) {
            let series = candles[CandleSeriesKey(symbol: order.symbol, interval: confirmationSettings.interval)] ?? CandleSeries()
            let confirmed = try EntryConfirmation.check(
                entering: order.side, symbol: order.symbol, candles: series, settings: confirmationSettings
            ).mapError { SignalRefusal([$0], order: order.quantity == nil ? nil : order) }.get()
            confirmation = (confirmed, confirmationSettings)
            if confirmationSettings.sizing == .atr {
                let equity = state.equity(marketPrices: [order.symbol: fill.reference])
                let quantity = confirmed.riskSizedQuantity(equity: equity, settings: confirmationSettings)
                guard quantity > 0 else {
                    let message = "risking \(confirmationSettings.riskPercent)% of equity \(equity.plainText) buys nothing"
                    throw SignalRefusal([RiskViolation(rule: "missing_quantity", message: message)])
                }
                order.quantity = quantity
                order.notional = nil
            }
        }
        if order.quantity == nil {
            let notional = order.notional ?? limits.defaultOrderNotional
            order = try order.sized(notional: notional, price: fill.price, position: position, minimum: limits.minOrderNotional)
                .mapError { SignalRefusal([$0]) }.get()
        }
        order = try order.withExits(entry: fill.price).mapError { SignalRefusal([$0], order: order) }.get()
        if let (confirmed, confirmationSettings) = confirmation, order.stopLoss == nil {
            let stop = confirmed.stopLoss(entry: fill.price, side: order.side, settings: confirmationSettings)
            guard stop > 0 else {
                let message =
                    "a stop \(confirmationSettings.atrStopMultiple) ATRs (\(confirmed.averageTrueRange.plainText) each) below "
                    + "\(fill.price.plainText) is not a price: lower atrStopMultiple"
                throw SignalRefusal([RiskViolation(rule: "invalid_stop", message: message)])
            }
            order.stopLoss = stop
        }
        try await closeAndCheck(
            order, signal: signal, fill: fill, position: position, instrument: instrument, account: account, state: &state,
            writes: &writes, now: now)
        return try place(
            order, signal: signal, fill: fill, position: position, instrument: instrument, account: account,
            state: &state, writes: &writes, now: now)
    }

    /// Whether `order` opens or grows a position (what the `confirmed` engine confirms), rather than making one smaller.
    private static func isEntry(_ order: OrderRequest, position: PositionRecord?) -> Bool {
        switch order.intent {
        case .reduce, .cancel: false
        case .add: true
        case .trade: position.map { $0.state.side == PositionSide(opening: order.side) } ?? true
        }
    }

    /// The market of `order`: a symbol market-data knows (a resolved ticker names one of `market_symbols`; the snapshot
    /// still knows a symbol seen since the catalogue was loaded), quoted in the account's currency.
    private func market(of order: OrderRequest, signal: SignalDocument, symbols: SignalSymbols, account: PaperAccount) throws -> Instrument
    {
        // Only a plain trade knows its side before the position is read: the others record no order.
        let recorded = order.intent == .trade ? order : nil
        let instrument = Instrument(symbol: order.symbol)
        if !symbols.isResolved(signal), !knownSymbols.contains(order.symbol) {
            let message = symbols.unknown(signal)?.description ?? "no market data for \(order.symbol)"
            throw SignalRefusal([RiskViolation(rule: "unknown_symbol", message: message)], order: recorded)
        }
        guard let instrument else {
            let message = "cannot tell the base and quote assets of \(order.symbol)"
            throw SignalRefusal([RiskViolation(rule: "unknown_symbol", message: message)], order: recorded)
        }
        guard instrument.quote == account.quoteCurrency else {
            let message = "\(order.symbol) is quoted in \(instrument.quote); the account holds \(account.quoteCurrency)"
            throw SignalRefusal([RiskViolation(rule: "currency_mismatch", message: message)], order: recorded)
        }
        return instrument
    }

    /// The price the order is expected to fill at. A market order takes the signal's own price when the account trusts
    /// it, else a fresh last trade, plus slippage; a limit order fills at once when the market is already at its price
    /// or better, else rests at its price.
    private func expectedFill(
        of order: OrderRequest, quote: MarketPrice?, account: PaperAccount, settings: ExecutionSettings, now: Date
    ) throws -> ExpectedFill {
        let reference: Decimal
        if account.trustSignalPrice, order.type == .market, let price = order.price {
            reference = price
        } else if let quote, quote.isFresh(at: now, maxAge: settings.maxPriceAge) {
            reference = quote.price
        } else {
            let age = quote.map { "the last trade is \($0.age(at: now)) s old" } ?? "market-data has no price"
            throw SignalRefusal([RiskViolation(rule: "no_price", message: "no fresh price for \(order.symbol): \(age)")], order: order)
        }
        let takerPrice = account.pricing.takerPrice(order.side, reference: reference)
        let marketable = order.type == .market || order.price.map { order.side == .buy ? takerPrice <= $0 : takerPrice >= $0 } ?? false
        return ExpectedFill(reference: reference, takerPrice: takerPrice, marketable: marketable, limit: order.price)
    }

    /// A signal that closes the position (an exit, a flat sentiment, a sell meaning the long) first cancels the open
    /// orders of its symbol and strategy: a resting sell would otherwise still hold the asset the close sells, and a
    /// resting entry would reopen what the sender closed. Not for an `ioc` limit the market is not at, which closes
    /// nothing. Then the account's risk limits; a refusal undoes the cancels.
    func closeAndCheck(
        _ order: OrderRequest, signal: SignalDocument, fill: ExpectedFill, position: PositionRecord?, instrument: Instrument,
        account: PaperAccount, state: inout AccountState, writes: inout AccountWrites, now: Date
    ) async throws {
        let closing = order.closes(position) && (fill.marketable || order.timeInForce != .ioc)
        let beforeClose = closing ? (state: state, writes: writes) : nil
        if closing {
            _ = try await cancelOpenOrders(
                of: order, reason: "canceled: signal \(signal.id.uuidString.lowercased()) closes the position", account: account,
                state: &state, into: &writes, now: now)
        }
        let input = state.riskInput(
            for: order, price: fill.price, position: position, marketPrices: [order.symbol: fill.reference], instrument: instrument,
            now: now)
        let violations = RiskCheck.violations(input, limits: limits)
        guard violations.isEmpty else {
            if let beforeClose { (state, writes) = beforeClose }
            throw SignalRefusal(violations, order: order)
        }
    }

    /// Places the order: a marketable one fills at once and is booked, an `ioc` limit the market is not at ends
    /// canceled, any other limit rests and holds back what it can use, so other orders cannot spend it. An exchange
    /// account's order is recorded and goes to the exchange after the commit (`ExchangeOrderBooking`).
    func place(
        _ order: OrderRequest, signal: SignalDocument, fill: ExpectedFill, position: PositionRecord?, instrument: Instrument,
        account: PaperAccount, state: inout AccountState, writes: inout AccountWrites, now: Date
    ) throws -> SignalOutcome {
        var record = OrderRecord(
            id: UUID.random(), accountID: account.id, clientOrderID: order.signalID.uuidString.lowercased(), signalID: order.signalID,
            symbol: order.symbol, side: order.side, type: order.type, timeInForce: order.timeInForce,
            limitPrice: order.type == .limit ? order.price : nil, quantity: order.orderQuantity, status: .new, strategy: order.strategy,
            stopLoss: order.stopLoss, takeProfit: order.takeProfit,
            trailingStopPercent: order.trailingStopPercent, expiresAt: expiry(of: order, now: now), receivedAt: order.receivedAt
        )
        if account.venue.isExchange {
            let ledgerBefore = writes.ledger.count
            try ExchangeOrderBooking.book(
                &record, expectedPrice: fill.takerPrice, position: position, account: account, instrument: instrument, at: now,
                into: &writes)
            state.apply(Array(writes.ledger[ledgerBefore...]))
            try writes.decide(signal, id: decisionID(of: signal), status: "accepted", orderID: record.id, reasons: [])
            return .ordered(orderID: record.id, status: record.status)
        }
        let resting = !fill.marketable && order.timeInForce != .ioc
        if resting {
            let lock = OrderLocks.reservation(for: record, position: position, pricing: account.pricing, instrument: instrument)
            record.lockedAsset = lock.asset
            record.lockedAmount = lock.amount
        }
        writes.publish(try TradingEvent.envelope(TradingEvent.orderCreated, userID: account.userID, at: now, data: OrderView(record)))
        let ledgerBefore = writes.ledger.count
        if fill.marketable {
            let booking = FillBooking(account: account, instrument: instrument)
            let outcome = try booking.book(
                quantity: order.orderQuantity, price: fill.takerPrice, liquidity: .taker, marketTradeID: nil, order: &record,
                position: position, at: now, into: &writes
            )
            state.apply(outcome)
        } else if !resting {
            record.status = .canceled
            record.reason = "immediate or cancel: the market is not at the limit"
            writes.publish(try TradingEvent.envelope(TradingEvent.orderCanceled, userID: account.userID, at: now, data: OrderView(record)))
        } else if let asset = record.lockedAsset {
            writes.post(LedgerEntry.move(record.lockedAmount, of: asset, locking: true, orderID: record.id))
        }
        state.apply(Array(writes.ledger[ledgerBefore...]))
        writes.save(record, isNew: true)
        try writes.decide(signal, id: decisionID(of: signal), status: "accepted", orderID: record.id, reasons: [])
        return .ordered(orderID: record.id, status: record.status)
    }

    /// A `cancel` signal: the open orders of its symbol and strategy end as canceled, releasing what they lock,
    /// including orders placed earlier in this batch. With none open, the signal is rejected (`no_open_orders`)
    /// so the sender learns that it changed nothing.
    private func cancelOpenOrders(
        for signal: SignalDocument, _ order: OrderRequest, account: PaperAccount, state: inout AccountState,
        into writes: inout AccountWrites, now: Date
    ) async throws -> SignalOutcome {
        let canceled = try await cancelOpenOrders(
            of: order, reason: "canceled by signal \(signal.id.uuidString.lowercased())", account: account, state: &state,
            into: &writes, now: now)
        guard !canceled.isEmpty else {
            let strategyText = order.strategy.isEmpty ? "" : " in strategy \(order.strategy)"
            let reasons = [RiskViolation(rule: "no_open_orders", message: "no open orders of \(order.symbol)\(strategyText) to cancel")]
            return try reject(signal, reasons, order: nil, account: account, into: &writes)
        }
        try writes.decide(signal, id: decisionID(of: signal), status: "accepted", orderID: nil, reasons: [])
        return .canceled(orderIDs: canceled)
    }

    /// Ends the open orders of `order`'s symbol and strategy as canceled, stored ones and those placed earlier in
    /// this batch, oldest first, releasing what they lock; returns their ids.
    private func cancelOpenOrders(
        of order: OrderRequest, reason: String, account: PaperAccount, state: inout AccountState, into writes: inout AccountWrites,
        now: Date
    ) async throws -> [UUID] {
        var open: [UUID: OrderRecord] = [:]
        for stored in try await OrderStore.openOrders(
            account: account.id, symbol: order.symbol, strategy: order.strategy, on: connection, logger: logger)
        {
            open[stored.id] = stored
        }
        for pending in writes.savedOrders where pending.symbol == order.symbol && pending.strategy == order.strategy {
            open[pending.id] = pending
        }
        var canceling = open.values.filter { $0.status.isOpen }
        canceling.sort { ($0.receivedAt ?? .distantPast, $0.id.uuidString) < ($1.receivedAt ?? .distantPast, $1.id.uuidString) }
        if account.venue.isExchange {
            // Orders sent to the exchange are canceled there and end when it confirms (they may fill meanwhile); one of
            // this batch has not left yet and simply does not go.
            let unsent = Set(writes.withdrawFromExchange(canceling.map(\.id)))
            writes.cancelAtExchange(canceling.map(\.id).filter { !unsent.contains($0) })
            canceling = canceling.filter { unsent.contains($0.id) }
            let ledgerBefore = writes.ledger.count
            for var canceled in canceling {
                try OrderRelease.end(&canceled, as: .canceled, reason: reason, account: account, at: now, into: &writes)
            }
            state.apply(Array(writes.ledger[ledgerBefore...]))
            return open.values.filter { $0.status.isOpen }.map(\.id).sorted { $0.uuidString < $1.uuidString }
        }
        let ledgerBefore = writes.ledger.count
        for var canceled in canceling {
            try OrderRelease.end(&canceled, as: .canceled, reason: reason, account: account, at: now, into: &writes)
        }
        state.apply(Array(writes.ledger[ledgerBefore...]))
        return canceling.map(\.id)
    }

    /// Writes everything decided, and the rejections of signals without an account.
    func finish() async throws {
        if let writes, !writes.isEmpty { try await writes.flush(on: connection, logger: logger) }
        for (signal, decisionID, reasons) in unlockedRejections {
            try await Self.rejectWithoutAccount(signal, decisionID: decisionID, reasons, on: connection, logger: logger)
        }
    }

    /// A `gtd` order's own expiry; a `day` order ends with its market's session, or at the next UTC midnight.
    private func expiry(of order: OrderRequest, now: Date) -> Date? {
        switch order.timeInForce {
        case .gtd: return order.expiresAt
        case .day:
            let sessionEnd = limits.sessions(for: order.exchange).compactMap { $0.closing(after: now) }.min()
            return sessionEnd ?? Date(epochSeconds: (now.epochSeconds / 86_400 + 1) * 86_400)
        case .gtc, .ioc: return nil
        }
    }

    /// Records the rejection (with an order in status `rejected` when the request could be read) and its event.
    private func reject(
        _ signal: SignalDocument, _ reasons: [RiskViolation], order: OrderRequest?, account: PaperAccount, into writes: inout AccountWrites
    ) throws -> SignalOutcome {
        var orderID: UUID?
        // A rejected order is recorded once it has a size: a signal refused before then has only its decision.
        if let order, let quantity = order.quantity {
            let record = OrderRecord(
                id: UUID.random(), accountID: account.id, clientOrderID: order.signalID.uuidString.lowercased(), signalID: order.signalID,
                symbol: order.symbol, side: order.side, type: order.type, timeInForce: order.timeInForce,
                limitPrice: order.type == .limit ? order.price : nil, quantity: quantity, status: .rejected,
                reason: reasons.map(\.description).joined(separator: "; "), strategy: order.strategy, stopLoss: order.stopLoss,
                takeProfit: order.takeProfit, trailingStopPercent: order.trailingStopPercent, receivedAt: order.receivedAt
            )
            writes.save(record, isNew: true)
            orderID = record.id
        }
        try writes.decide(signal, id: decisionID(of: signal), status: "rejected", orderID: orderID, reasons: reasons)
        let experiment = experiments[signal.id]
        let rejection = SignalRejection(
            signalID: signal.id, symbol: signal.symbol, orderID: orderID, reasons: reasons, accountID: account.id,
            experimentID: experiment?.id, variant: experiment?.variant)
        writes.publish(try TradingEvent.envelope(TradingEvent.signalRejected, userID: signal.userID, at: Date(), data: rejection))
        logger.info("signal rejected", metadata: ["signal_id": "\(signal.id)", "reasons": "\(reasons.map(\.rule).joined(separator: ","))"])
        return .rejected(reasons)
    }

    /// Without an account there is no row to lock: the decision is inserted only if no other transaction
    /// made it first, and the event only with it.
    private static func rejectWithoutAccount(
        _ signal: SignalDocument, decisionID: UUID, _ reasons: [RiskViolation], on connection: PostgresConnection, logger: Logger
    ) async throws {
        let reasonsJSON = String(decoding: try JSONCoding.encoder.encode(reasons), as: UTF8.self)
        let rows = try await connection.query(
            """
            INSERT INTO signal_decisions (signal_id, user_id, status, reasons, received_at)
            VALUES (\(decisionID), \(signal.userID), 'rejected', \(reasonsJSON)::jsonb, \(signal.receivedAt))
            ON CONFLICT (signal_id) DO NOTHING
            RETURNING 1
            """,
            logger: logger
        )
        var inserted = false
        for try await _ in rows.decode(Int.self) { inserted = true }
        guard inserted else { return }
        let rejection = SignalRejection(signalID: signal.id, symbol: signal.symbol, orderID: nil, reasons: reasons)
        let event = try TradingEvent.envelope(TradingEvent.signalRejected, userID: signal.userID, at: Date(), data: rejection)
        try await Outbox.enqueue([event], to: StreamName.events, on: connection, logger: logger)
    }
}
