import BallastMarket
import BallastPortfolios
import BallastTrading
import Foundation

/// One run's plan and orders against a locked account, in memory: the inputs from the account's balances and the
/// prices, the plan, each planned order placed as a market order whose client order id is the run's id and the
/// order's place in the plan, and the portfolio valued again at the same prices afterwards (whether it is back inside
/// its band tells `RebalanceRunStore.finish` to end the drift crossing).
struct RebalanceTrading {
    let portfolio: Portfolio
    let settings: RebalancerSettings

    func run(
        _ run: RebalanceRun, on account: inout LockedAccount, prices: [String: AssetPrice], now: Date
    ) -> (run: RebalanceRun, insideBand: Bool) {
        var finished = run
        finished.dryRun = run.dryRun || settings.forceDryRun
        finished.orders = []
        finished.errors = []
        let held = holdings(of: account)
        let inputs = held.inputs(of: portfolio, prices: prices)
        finished.inputs = inputs
        if let asset = held.outOfRange.sorted().first {
            finished.status = .failed
            finished.errors.append("\(PlanningError.outOfRange(asset: asset))")
            return (finished, false)
        }
        let plan: RebalancePlan
        do {
            plan = try RebalancePlanner.plan(inputs, now: now, maxPriceAge: settings.maxPriceAge)
        } catch {
            finished.status = .failed
            finished.errors.append("\(error)")
            return (finished, false)
        }
        finished.plan = plan
        finished.valueBefore = Decimal(plan.before.portfolioValue)
        finished.ordersPlanned = plan.orders.count
        finished.status = .completed
        guard !finished.dryRun else { return (finished, false) }
        for (index, order) in plan.orders.enumerated() {
            let ticket = Self.ticket(order, number: index + 1, of: run, portfolio: portfolio)
            do {
                let result = try account.placeMarketOrder(
                    ticket, reference: Decimal(order.price), quantityDecimals: inputs.settings.quantityDecimals[order.asset] ?? 8, now: now)
                finished.orders.append(result)
                if result.status == .filled || result.status == .submitted {
                    finished.ordersExecuted += 1
                    finished.totalValueTraded += (result.filledQuantity * (result.price ?? 0))
                } else {
                    finished.ordersFailed += 1
                    finished.errors.append("\(ticket.clientOrderID): \(result.reason ?? "rejected")")
                }
            } catch {
                finished.ordersFailed += 1
                finished.errors.append("\(ticket.clientOrderID): \(error)")
            }
        }
        if finished.ordersExecuted == 0, finished.ordersPlanned > 0 { finished.status = .failed }
        let after = holdings(of: account).inputs(of: portfolio, prices: prices)
        guard let report = try? RebalancePlanner.drift(after, now: now) else { return (finished, false) }
        finished.valueAfter = Decimal(report.portfolioValue)
        return (finished, !report.isOverThreshold)
    }

    /// Planned order `number` (from 1) of `run` as a market order: its client order id is the run's id and the number.
    static func ticket(_ order: PlannedOrder, number: Int, of run: RebalanceRun, portfolio: Portfolio) -> MarketOrderTicket {
        MarketOrderTicket(
            clientOrderID: "rb-\(run.id.uuidString.lowercased())-\(number)", symbol: portfolio.symbol(of: order.asset),
            side: order.side == .buy ? .buy : .sell, quantity: Decimal(order.quantity), strategy: "portfolio")
    }

    private func holdings(of account: LockedAccount) -> PortfolioHoldings {
        let pricing = account.account.pricing
        return PortfolioHoldings(
            balances: account.balances.mapValues(\.available), quoteCurrency: portfolio.quoteCurrency,
            feeBps: PortfolioHoldings.costBasisPoints(takerFee: pricing.takerFeeBps, slippage: pricing.slippageBps))
    }
}
