import Foundation

/// What a resting order holds back until it fills, expires or is canceled.
enum OrderLocks {
    /// A buy locks its notional at the limit plus the largest fee; a sell within a long position locks the
    /// asset it sells; a sell that would open a short locks the cash a buy of the same size would.
    /// `price` is what a buy is expected to pay: its limit, or for an exchange's market order the expected fill.
    static func reservation(
        for order: OrderRecord, at price: Decimal? = nil, position: PositionRecord?, pricing: ExecutionPricing, instrument: Instrument
    ) -> (asset: String, amount: Decimal) {
        let limit = price ?? order.limitPrice ?? 0
        if order.side == .sell, let position, position.state.side == .long, position.state.quantity >= order.quantity {
            return (instrument.base, order.quantity)
        }
        return (instrument.quote, pricing.buyReservation(quantity: order.quantity, price: limit))
    }
}
