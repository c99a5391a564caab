import BallastCore
import BallastTrading
import Foundation
import PostgresNIO

/// Reads `rebalance_runs` rows.
enum RebalanceRunRow {
    static let columns = """
        r.id, r.portfolio_id, r.user_id, r.triggered_by, r.dry_run, r.status, r.requested_at, r.started_at, r.finished_at, r.attempts,
        r.inputs::text, r.plan::text, r.orders::text, r.errors::text, r.value_before::text, r.value_after::text, r.orders_planned,
        r.orders_executed, r.orders_failed, r.total_value_traded::text
        """

    typealias Columns = (
        UUID, UUID, UUID, String, Bool, String, Date, Date?, Date?, Int, String?, String?, String, String, String?, String?, Int, Int,
        Int, String
    )

    static func decode(_ rows: PostgresRowSequence) async throws -> [RebalanceRun] {
        var runs: [RebalanceRun] = []
        for try await columns in rows.decode(Columns.self) { runs.append(try run(columns)) }
        return runs
    }

    private static func run(_ columns: Columns) throws -> RebalanceRun {
        let (
            id, portfolioID, userID, triggerText, dryRun, statusText, requestedAt, startedAt, finishedAt, attempts, inputsText, planText,
            ordersText, errorsText, beforeText, afterText, planned, executed, failed, tradedText
        ) = columns
        guard let trigger = RebalanceTrigger(rawValue: triggerText), let status = RebalanceRunStatus(rawValue: statusText) else {
            throw PortfolioStoreError.badRow(id)
        }
        let decoder = JSONCoding.decoder
        do {
            return RebalanceRun(
                id: id, portfolioID: portfolioID, userID: userID, triggeredBy: trigger, dryRun: dryRun, status: status,
                requestedAt: requestedAt, startedAt: startedAt, finishedAt: finishedAt, attempts: attempts,
                inputs: try inputsText.map { try decoder.decode(RebalanceInputs.self, from: Data($0.utf8)) },
                plan: try planText.map { try decoder.decode(RebalancePlan.self, from: Data($0.utf8)) },
                orders: try decoder.decode([MarketOrderResult].self, from: Data(ordersText.utf8)),
                errors: try decoder.decode([String].self, from: Data(errorsText.utf8)),
                valueBefore: beforeText.flatMap(ExactDecimal.parse), valueAfter: afterText.flatMap(ExactDecimal.parse),
                ordersPlanned: planned, ordersExecuted: executed, ordersFailed: failed,
                totalValueTraded: ExactDecimal.parse(tradedText) ?? 0)
        } catch {
            throw PortfolioStoreError.badRow(id)
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONCoding.encoder.encode(value), as: UTF8.self)
    }
}
