import Foundation

/// What became of a signal.
public enum SignalOutcome: Sendable, Equatable {
    /// An order was placed: filled at once, resting (a limit order), or canceled unfilled (an `ioc` limit).
    case ordered(orderID: UUID, status: OrderStatus)
    case rejected([RiskViolation])
    /// A `cancel` signal ended these open orders.
    case canceled(orderIDs: [UUID])
    /// Decided before (a redelivery): nothing was done again.
    case alreadyDecided
}
