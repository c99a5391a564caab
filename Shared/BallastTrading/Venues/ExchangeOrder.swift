import Foundation

/// An exchange account's order as `VenueOrderDispatcher` works it: the order's terms and where it stands at the
/// exchange (`venue_orders`).
public struct ExchangeOrder: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Recorded, not sent yet.
        case pending
        /// Sent, or about to be, and no answer recorded: whether the exchange has it is not known.
        case submitting
        /// The exchange has it; its fills are booked as it reports them.
        case open
        case done
    }

    public var orderID: UUID
    public var accountID: UUID
    public var venue: VenueKind
    /// The id the exchange keeps with the order (a UUID, `venue_orders.client_order_id`).
    public var clientOrderID: String
    public var symbol: String
    public var side: OrderSide
    public var type: OrderType
    public var quantity: Decimal
    /// How much of it is booked as filled so far.
    public var filledQuantity: Decimal = 0
    public var limitPrice: Decimal?
    /// `ioc` goes to the exchange as immediate-or-cancel; the others rest there until filled or canceled.
    public var timeInForce: TimeInForce
    public var state: State
    public var venueOrderID: String?
    public var cancelRequested: Bool
    public var attempts: Int
    public var submittedAt: Date?
    public var createdAt: Date
}
