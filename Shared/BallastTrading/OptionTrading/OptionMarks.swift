import BallastCore
import BallastMarket
import Foundation
import Logging
import PostgresNIO

/// Marks open option positions at the model's premium from the underlying's last price (the `options.mark` job), so
/// their unrealized P&L follows the market as spot positions' does with every trade. A contract without a fresh
/// underlying price or a volatility keeps its last mark.
public struct OptionMarks: Sendable {
    let database: PostgresClient
    let prices: MarketPrices
    let settings: ExecutionSettings
    let logger: Logger

    public init(database: PostgresClient, prices: MarketPrices, settings: ExecutionSettings, logger: Logger) {
        self.database = database
        self.prices = prices
        self.settings = settings
        self.logger = logger
    }

    /// Marks every open option position not yet expired; returns how many contracts were marked.
    @discardableResult
    public func markAll(now: Date) async throws -> Int {
        let contracts = Set(try await OptionPositions.open(database: database, logger: logger).map(\.contract).filter { $0.expiry > now })
        var volatilities: [String: Decimal?] = [:]
        var marked = 0
        for contract in contracts.sorted(by: { $0.symbol < $1.symbol }) {
            guard let quote = try await prices.latest(contract.underlying), quote.isFresh(at: now, maxAge: settings.maxPriceAge) else {
                continue
            }
            if volatilities[contract.underlying] == nil {
                volatilities[contract.underlying] = .some(try await volatility(contract.underlying, now: now))
            }
            guard let volatility = volatilities[contract.underlying] ?? nil else { continue }
            let options = settings.options
            let premium = OptionPricing.premium(
                contract, underlyingPrice: quote.price, volatility: volatility, rate: options.rate, model: options.model, at: now,
                tick: options.tick)
            guard !premium.isNaN else { continue }
            let mark = premium * options.multiplier
            try await PositionStore.mark(symbol: contract.symbol, last: mark, low: mark, high: mark, database: database, logger: logger)
            marked += 1
        }
        return marked
    }

    private func volatility(_ underlying: String, now: Date) async throws -> Decimal? {
        if let configured = settings.options.volatility { return configured }
        let series = try await CandleHistory.recent(
            symbol: underlying, interval: .oneHour, count: settings.options.volatilityCandles, before: now, on: database, logger: logger)
        return OptionPricing.hourlyRealizedVolatility(closes: series.closes)
    }
}
