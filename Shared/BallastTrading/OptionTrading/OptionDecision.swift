import BallastCore
import BallastMarket
import Foundation

/// An option signal's decision, inside the account's transaction (`SignalBatchRun`): a buy picks a contract from the
/// underlying's chain (`OptionChain.select`) and buys it at the model's premium plus slippage; a sell or an exit sells
/// the option position it names back at the model's premium less slippage. Premiums go through the ledger like any
/// fill; the contracts are an asset of the account named by the contract's symbol, and the position is in contracts.
/// Paper options are bought, never written: a sell without a position is refused.
struct OptionDecision {
    let run: SignalBatchRun
    let candles: [CandleSeriesKey: CandleSeries]
    let settings: ExecutionSettings
    let now: Date

    func decide(
        _ order: OrderRequest, _ terms: OptionTerms, signal: SignalDocument, underlying: Instrument, account: PaperAccount,
        quote: MarketPrice?, state: inout AccountState, writes: inout AccountWrites
    ) async throws -> SignalOutcome {
        let options = settings.options
        guard !account.venue.isExchange else {
            throw SignalRefusal([
                RiskViolation(
                    rule: "options_paper_only",
                    message: "options are paper-traded; this account trades at \(account.venue.rawValue), which lists none")
            ])
        }
        guard let quote, quote.isFresh(at: now, maxAge: settings.maxPriceAge) else {
            let age = quote.map { "the last trade is \($0.age(at: now)) s old" } ?? "market-data has no price"
            throw SignalRefusal([RiskViolation(rule: "no_price", message: "no fresh price for \(order.symbol): \(age)")])
        }
        let volatility = try self.volatility(terms, underlying: order.symbol)
        let opening: Bool
        switch order.intent {
        case .trade: opening = order.side == .buy
        case .add: opening = true
        case .reduce: opening = false
        case .cancel: opening = false
        }
        let contract: OptionContract
        let position: PositionRecord?
        if opening {
            let chain = OptionChain(underlying: order.symbol, spot: quote.price, now: now, settings: options.chain)
            do throws(OptionSelectionError) {
                contract = try chain.select(
                    kind: terms.kind, strike: terms.strike, expiration: terms.expiration, selection: terms.selection)
            } catch {
                throw SignalRefusal([RiskViolation(rule: "no_contract", message: error.description)])
            }
            position = state.openPosition(symbol: contract.symbol, strategy: order.strategy)
        } else {
            position = try held(terms, underlying: order.symbol, strategy: order.strategy, state: state)
            guard let position, let held = OptionContract(symbol: position.symbol) else {
                throw SignalRefusal([RiskViolation(rule: "no_position", message: "no option position to sell")])
            }
            contract = held
        }
        let premium = OptionPricing.premium(
            contract, underlyingPrice: quote.price, volatility: volatility, rate: options.rate, model: options.model, at: now,
            tick: options.tick)
        guard !premium.isNaN else {
            throw SignalRefusal([
                RiskViolation(rule: "no_price", message: "\(contract.symbol) cannot be priced at \(quote.price.plainText)")
            ])
        }
        let perContract = premium * options.multiplier
        var optionOrder = order
        optionOrder.symbol = contract.symbol
        optionOrder.side = opening ? .buy : .sell
        optionOrder.type = .market
        optionOrder.timeInForce = .ioc
        let takerPrice = account.pricing.takerPrice(optionOrder.side, reference: perContract)
        if opening {
            guard takerPrice > 0 else {
                throw SignalRefusal([
                    RiskViolation(
                        rule: "no_premium", message: "\(contract.symbol) is worth nothing at \(quote.price.plainText): not bought")
                ])
            }
            optionOrder.quantity = try contracts(order, price: takerPrice)
        } else {
            optionOrder = try optionOrder.sized(for: position).mapError { SignalRefusal([$0]) }.get()
        }
        if opening { try checkOptionLimits(optionOrder, price: takerPrice, position: position) }
        let fill = ExpectedFill(reference: perContract, takerPrice: takerPrice, marketable: true, limit: nil)
        let instrument = Instrument(base: contract.symbol, quote: underlying.quote)
        try await run.closeAndCheck(
            optionOrder, signal: signal, fill: fill, position: position, instrument: instrument, account: account, state: &state,
            writes: &writes, now: now)
        return try run.place(
            optionOrder, signal: signal, fill: fill, position: position, instrument: instrument, account: account, state: &state,
            writes: &writes, now: now)
    }

    /// The signal's volatility, else the configured one, else the underlying's realized volatility over the window.
    private func volatility(_ terms: OptionTerms, underlying: String) throws -> Decimal {
        if let volatility = terms.volatility { return volatility }
        if let volatility = settings.options.volatility { return volatility }
        let series = (candles[CandleSeriesKey(symbol: underlying, interval: .oneHour)] ?? CandleSeries())
            .suffix(settings.options.volatilityCandles)
        guard let estimated = OptionPricing.hourlyRealizedVolatility(closes: series.closes) else {
            throw SignalRefusal([
                RiskViolation(
                    rule: "no_volatility",
                    message: "no volatility to price \(underlying) options: \(series.count) hourly candles, none configured "
                        + "(BALLAST_OPTION_VOLATILITY) and none sent (volatility)")
            ])
        }
        return estimated
    }

    /// The whole contracts to buy: the signal's quantity, as many as its notional pays for, or one.
    private func contracts(_ order: OrderRequest, price: Decimal) throws -> Decimal {
        if let quantity = order.quantity {
            guard quantity == quantity.rounded(.down, places: 0) else {
                throw SignalRefusal([
                    RiskViolation(rule: "invalid_quantity", message: "options trade in whole contracts, got \(quantity.plainText)")
                ])
            }
            return quantity
        }
        guard let notional = order.notional else { return 1 }
        let affordable = (notional / price).rounded(.down, places: 0)
        guard affordable >= 1 else {
            throw SignalRefusal([
                RiskViolation(
                    rule: "missing_quantity", message: "a notional of \(notional.plainText) buys no contract at \(price.plainText)")
            ])
        }
        return affordable
    }

    /// The account's limits on an option order's premium and a position's contracts.
    private func checkOptionLimits(_ order: OrderRequest, price: Decimal, position: PositionRecord?) throws {
        let quantity = order.orderQuantity
        if let limit = run.limits.maxOptionPremium, quantity * price > limit {
            throw SignalRefusal(
                [
                    RiskViolation(
                        rule: "max_option_premium",
                        message: "the premium \((quantity * price).rounded().plainText) is above maxOptionPremium \(limit.plainText)")
                ], order: order)
        }
        let after = (position?.state.quantity ?? 0) + quantity
        if let limit = run.limits.maxOptionContracts, after > limit {
            throw SignalRefusal(
                [
                    RiskViolation(
                        rule: "max_option_contracts",
                        message: "\(after.plainText) contracts of \(order.symbol) is above maxOptionContracts \(limit.plainText)")
                ], order: order)
        }
    }

    /// The option position a sell or exit means: the one of its underlying, kind and strategy, narrowed by the strike and
    /// expiry the signal names; more than one left is refused rather than guessed.
    private func held(_ terms: OptionTerms, underlying: String, strategy: String, state: AccountState) throws -> PositionRecord? {
        let candidates = state.positions.filter { position in
            guard position.strategy == strategy, let contract = OptionContract(symbol: position.symbol) else { return false }
            guard contract.underlying == underlying, contract.kind == terms.kind else { return false }
            if let strike = terms.strike, contract.strike != strike { return false }
            if case .on(let date) = terms.expiration, !Calendar.utc.isDate(date, inSameDayAs: contract.expiry) { return false }
            return true
        }
        guard candidates.count <= 1 else {
            throw SignalRefusal([
                RiskViolation(
                    rule: "ambiguous_option",
                    message: "\(candidates.count) \(terms.kind.rawValue) positions on \(underlying) are open ("
                        + candidates.map(\.symbol).sorted().joined(separator: ", ") + "): send strike and expiration")
            ])
        }
        return candidates.first
    }
}

extension Calendar {
    /// The Gregorian calendar in UTC, for comparing dates as the option calendar does.
    fileprivate static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
