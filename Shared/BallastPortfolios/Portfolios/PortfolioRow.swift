import BallastCore
import BallastMarket
import Foundation
import PostgresNIO

/// Reads `portfolios` rows: the columns `Portfolio(row:)` decodes, in order. The weights come packed in one text
/// (`PackedPairs`) that PostgreSQL takes out of the JSON, and a page's rows share each schedule they name, so the
/// drift monitor's pages decode without a JSON parse or a cron parse per row (scripts/bench/rebalancer).
enum PortfolioRow {
    static let columns = """
        p.id, p.user_id, p.account_id, p.name, p.quote_currency,
        \(PackedPairs.sql(weightsOf: "p.target_weights")),
        p.method, p.schedule_interval, p.schedule,
        p.time_zone, p.drift_threshold::text, p.threshold_relative, p.rebalance_to, p.min_trade_value::text, p.max_orders, p.dry_run,
        p.paused, p.over_threshold, p.last_rebalanced_at, p.next_rebalance_at, p.created_at, p.updated_at
        """

    typealias Columns = (
        UUID, UUID, UUID, String, String, String?, String, String, String, String, String, Bool, String, String, Int?, Bool, Bool, Bool,
        Date?, Date?, Date, Date
    )

    static func decode(_ rows: PostgresRowSequence) async throws -> [Portfolio] {
        var portfolios: [Portfolio] = []
        var schedules: [String: PortfolioSchedule] = [:]
        for try await columns in rows.decode(Columns.self) { portfolios.append(try portfolio(columns, schedules: &schedules)) }
        return portfolios
    }

    static func portfolio(_ columns: Columns, schedules: inout [String: PortfolioSchedule]) throws -> Portfolio {
        let (
            id, userID, accountID, name, quote, weightsText, methodText, intervalText, cronText, zone, thresholdText, relative,
            toText, minimumText, maxOrders, dryRun, paused, over, lastAt, nextAt, createdAt, updatedAt
        ) = columns
        let scheduleKey = "\(intervalText) \(zone) \(cronText)"
        if schedules[scheduleKey] == nil, let interval = PortfolioSchedule.Interval(rawValue: intervalText),
            case .success(let schedule) = PortfolioSchedule.make(interval: interval, cron: cronText, timeZone: zone)
        {
            schedules[scheduleKey] = schedule
        }
        guard let method = RebalanceMethod(rawValue: methodText), let schedule = schedules[scheduleKey],
            let rebalanceTo = RebalanceTarget(rawValue: toText), let threshold = FixedDecimal(thresholdText),
            let minimum = FixedDecimal(minimumText)
        else { throw PortfolioStoreError.badRow(id) }
        var weights: [String: FixedDecimal] = [:]
        for (asset, text) in PackedPairs.unpackWeights(weightsText) {
            guard let weight = FixedDecimal(text) else { throw PortfolioStoreError.badRow(id) }
            weights[String(asset)] = weight
        }
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
}
