import Foundation

/// What a resting order holds back until it fills, expires or is canceled.
enum OrderLocks {
    /// A buy locks its notional at the limit plus the largest fee; a sell within a long position locks the
    /// asset it sells; a sell that would open a short locks the cash a buy of the same size would.
    static func reservation(
        for order: OrderRecord, position: PositionRecord?, pricing: ExecutionPricing, instrument: Instrument
    ) -> (asset: String, amount: Decimal) {
        let limit = order.limitPrice ?? 0
        if order.side == .sell, let position, position.state.side == .long, position.state.quantity >= order.quantity {
            return (instrument.base, order.quantity)
        }
        return (instrument.quote, pricing.buyReservation(quantity: order.quantity, price: limit))
    }
}
