import BallastCore
import BallastMarket
import Foundation
import PostgresNIO

/// Reads `portfolios` rows: the columns `Portfolio(row:)` decodes, in order.
enum PortfolioRow {
    static let columns = """
        p.id, p.user_id, p.account_id, p.name, p.quote_currency, p.target_weights::text, p.method, p.schedule_interval, p.schedule,
        p.time_zone, p.drift_threshold::text, p.threshold_relative, p.rebalance_to, p.min_trade_value::text, p.max_orders, p.dry_run,
        p.paused, p.over_threshold, p.last_rebalanced_at, p.next_rebalance_at, p.created_at, p.updated_at
        """

    typealias Columns = (
        UUID, UUID, UUID, String, String, String, String, String, String, String, String, Bool, String, String, Int?, Bool, Bool, Bool,
        Date?, Date?, Date, Date
    )

    static func decode(_ rows: PostgresRowSequence) async throws -> [Portfolio] {
        var portfolios: [Portfolio] = []
        for try await columns in rows.decode(Columns.self) { portfolios.append(try portfolio(columns)) }
        return portfolios
    }

    static func portfolio(_ columns: Columns) throws -> Portfolio {
        let (
            id, userID, accountID, name, quote, weightsText, methodText, intervalText, cronText, zone, thresholdText, relative, toText,
            minimumText, maxOrders, dryRun, paused, over, lastAt, nextAt, createdAt, updatedAt
        ) = columns
        guard let method = RebalanceMethod(rawValue: methodText), let interval = PortfolioSchedule.Interval(rawValue: intervalText),
            let rebalanceTo = RebalanceTarget(rawValue: toText), let threshold = FixedDecimal(thresholdText),
            let minimum = FixedDecimal(minimumText),
            case .success(let schedule) = PortfolioSchedule.make(interval: interval, cron: cronText, timeZone: zone)
        else { throw PortfolioStoreError.badRow(id) }
        let weights = try weights(from: weightsText, portfolio: id)
        return Portfolio(
            id: id, userID: userID, accountID: accountID,
            settings: PortfolioSettings(
                name: name, quoteCurrency: quote, targetWeights: weights, method: method, schedule: schedule, driftThreshold: threshold,
                thresholdIsRelative: relative, rebalanceTo: rebalanceTo, minimumTradeValue: minimum, maxOrders: maxOrders, dryRun: dryRun),
            paused: paused, overThreshold: over, lastRebalancedAt: lastAt, nextRebalanceAt: nextAt, createdAt: createdAt,
            updatedAt: updatedAt)
    }

    /// `{"BTC": "60", ...}` as stored.
    static func weightsJSON(_ weights: [String: FixedDecimal]) -> String {
        var text = "{"
        for (index, (asset, weight)) in weights.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { text += "," }
            JSONValue.writeQuoted(asset, to: &text)
            text += ":"
            JSONValue.writeQuoted(weight.description, to: &text)
        }
        return text + "}"
    }

    private static func weights(from text: String, portfolio: UUID) throws -> [String: FixedDecimal] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String] else {
            throw PortfolioStoreError.badRow(portfolio)
        }
        var weights: [String: FixedDecimal] = [:]
        for (asset, weightText) in object {
            guard let weight = FixedDecimal(weightText) else { throw PortfolioStoreError.badRow(portfolio) }
            weights[asset] = weight
        }
        return weights
    }
}
