import BallastCore
import BallastMarket
import BallastTrading
import Foundation
import Logging
import PostgresNIO

/// Values portfolios at the last prices market-data keeps in Redis: their holdings from PostgreSQL, their prices in
/// one round trip per batch.
public struct PortfolioValuer: Sendable {
    let database: PostgresClient
    let prices: MarketPrices
    let logger: Logger

    public init(database: PostgresClient, prices: MarketPrices, logger: Logger) {
        self.database = database
        self.prices = prices
        self.logger = logger
    }

    /// The planner's inputs for `portfolio` now: what its account holds, at the last prices (of the assets it
    /// targets and of those it holds, so that one no longer targeted can be valued and sold).
    public func inputs(of portfolio: Portfolio) async throws -> RebalanceInputs {
        let holdings =
            try await Self.holdings(of: [portfolio.accountID], on: database, logger: logger)[portfolio.accountID]
            ?? PortfolioHoldings(balances: [:], quoteCurrency: portfolio.quoteCurrency, feeBps: 0)
        let prices = try await assetPrices(for: [portfolio], heldAssets: [portfolio.id: Set(holdings.quantities.keys)])
        return holdings.inputs(of: portfolio, prices: prices[portfolio.id] ?? [:])
    }

    /// The prices of the assets each of `portfolios` targets or could hold, by portfolio and asset; an asset without a
    /// price is left out (the planner refuses it, naming it).
    public func assetPrices(for portfolios: [Portfolio], heldAssets: [UUID: Set<String>] = [:]) async throws -> [UUID: [String: AssetPrice]]
    {
        var assets: [String: Set<String>] = [:]
        for portfolio in portfolios {
            assets[portfolio.quoteCurrency, default: []].formUnion(portfolio.settings.targetWeights.keys)
            assets[portfolio.quoteCurrency, default: []].formUnion(heldAssets[portfolio.id] ?? [])
        }
        let tables = try await priceTables(of: assets)
        var result: [UUID: [String: AssetPrice]] = [:]
        for portfolio in portfolios {
            let table = tables[portfolio.quoteCurrency] ?? [:]
            var assetPrices: [String: AssetPrice] = [:]
            for asset in Set(portfolio.settings.targetWeights.keys).union(heldAssets[portfolio.id] ?? [])
            where asset != portfolio.quoteCurrency {
                if let price = table[asset] { assetPrices[asset] = price }
            }
            result[portfolio.id] = assetPrices
        }
        return result
    }

    /// The last prices of `assets` (by quote currency), by quote currency and asset, each converted to fixed point
    /// once: the drift monitor's page shares one table per currency instead of one per portfolio. An asset without a
    /// price is left out.
    public func priceTables(of assets: [String: Set<String>]) async throws -> [String: [String: AssetPrice]] {
        var symbols: [String] = []
        for (quote, names) in assets {
            for asset in names where asset != quote { symbols.append("\(asset)-\(quote)") }
        }
        var tables: [String: [String: AssetPrice]] = [:]
        for (quote, names) in assets {
            var table: [String: AssetPrice] = [:]
            table.reserveCapacity(names.count)
            tables[quote] = table
        }
        for (symbol, last) in try await prices.latest(symbols) {
            guard let dash = symbol.lastIndex(of: "-"), let price = FixedDecimal(truncating: last.price) else { continue }
            tables[String(symbol[symbol.index(after: dash)...]), default: [:]][String(symbol[..<dash])] = AssetPrice(
                price: price, at: last.time)
        }
        return tables
    }

    /// The holdings of `accounts`, by account.
    static func holdings(of accounts: [UUID], on database: PostgresClient, logger: Logger) async throws -> [UUID: PortfolioHoldings] {
        let rows = try await database.query(
            """
            SELECT a.id, a.quote_currency, (\(unescaped: PortfolioHoldings.costBasisPointsSQL(account: "a")))::text,
                \(unescaped: PackedPairs.sql(name: "b.asset", value: "b.available::text", from: "balances b WHERE b.account_id = a.id"))
            FROM paper_accounts a
            WHERE a.id = ANY(\(accounts))
            """,
            logger: logger)
        var holdings: [UUID: PortfolioHoldings] = [:]
        for try await (id, quote, feeText, balancesText) in rows.decode((UUID, String, String, String?).self) {
            holdings[id] = PortfolioHoldings(available: PackedPairs.unpack(balancesText), quoteCurrency: quote, feeBasisPoints: feeText)
        }
        return holdings
    }
}
