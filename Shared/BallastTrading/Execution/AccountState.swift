import Foundation
import Logging
import PostgresNIO

/// An account's balances and open positions, read under its row lock, and what an order would do to them.
struct AccountState {
    let account: PaperAccount
    private(set) var balances: [String: Balance]
    private(set) var positions: [PositionRecord]

    init(account: PaperAccount, balances: [String: Balance], positions: [PositionRecord]) {
        self.account = account
        self.balances = balances
        self.positions = positions
    }

    /// Follows the ledger entries of a decision, so the next signal of the batch sees its effect.
    mutating func apply(_ entries: [LedgerEntry]) {
        for entry in entries {
            var balance = balances[entry.asset] ?? Balance(asset: entry.asset, available: 0, locked: 0)
            if entry.bucket == .available { balance.available += entry.amount } else { balance.locked += entry.amount }
            balances[entry.asset] = balance
        }
    }

    /// Follows a fill's effect on the positions.
    mutating func apply(_ outcome: FillBooking.Outcome) {
        if let closed = outcome.closed { positions.removeAll { $0.id == closed.id } }
        if let after = outcome.position {
            if let index = positions.firstIndex(where: { $0.id == after.id }) {
                positions[index] = after
            } else {
                positions.append(after)
            }
        }
    }

    func openPosition(symbol: String, strategy: String) -> PositionRecord? {
        positions.first { $0.symbol == symbol && $0.strategy == strategy }
    }

    /// Cash plus the value of every open position (long adds, short subtracts), at the latest marks.
    func equity(marketPrices: [String: Decimal]) -> Decimal {
        let cash = balances[account.quoteCurrency]?.total ?? 0
        return positions.reduce(cash) { $0 + $1.signedQuantity * (marketPrices[$1.symbol] ?? $1.valuationPrice) }
    }

    func riskInput(
        for order: OrderRequest, price: Decimal, position: PositionRecord?, marketPrices: [String: Decimal], instrument: Instrument,
        now: Date
    ) -> RiskInput {
        let signedBefore = position?.signedQuantity ?? 0
        let quantity = order.orderQuantity
        let signedAfter = signedBefore + (order.side == .buy ? quantity : -quantity)
        let flips = signedBefore != 0 && signedAfter != 0 && (signedBefore > 0) != (signedAfter > 0)
        let shortQuantity = order.side == .sell ? max(0, min(quantity, -signedAfter)) : 0
        let pricing = account.pricing
        let requiredCash: Decimal =
            switch order.side {
            case .buy: pricing.buyReservation(quantity: quantity, price: price)
            // Opening a short holds back what buying it back would cost; selling the long first brings cash for it.
            case .sell:
                shortQuantity > 0
                    ? max(0, pricing.buyReservation(quantity: shortQuantity, price: price) - (quantity - shortQuantity) * price) : 0
            }
        func value(_ position: PositionRecord) -> Decimal {
            abs(position.state.quantity * (marketPrices[position.symbol] ?? position.valuationPrice))
        }
        let exposureBefore = positions.reduce(Decimal(0)) { $0 + value($1) }
        let positionNotionalAfter = abs(signedAfter * price)
        let exposureAfter = exposureBefore - (position.map(value) ?? 0) + positionNotionalAfter
        return RiskInput(
            now: now, exchange: order.exchange, symbol: order.symbol, side: order.side, quantity: quantity, price: price,
            requiredCash: requiredCash, availableCash: balances[instrument.quote]?.available ?? 0,
            equity: equity(marketPrices: marketPrices), openPositions: positions.count,
            openPositionsForSymbol: positions.filter { $0.symbol == order.symbol }.count, opensPosition: position == nil || flips,
            shortQuantity: shortQuantity, shortingAllowed: account.allowShort, positionNotionalAfter: positionNotionalAfter.rounded(),
            positionNotionalBefore: abs(signedBefore * price).rounded(), exposureBefore: exposureBefore.rounded(),
            exposureAfter: exposureAfter.rounded()
        )
    }
}
