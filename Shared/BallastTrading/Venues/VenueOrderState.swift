import Foundation

/// An order as the exchange reports it.
public struct VenueOrderState: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        /// Accepted, not yet in the book (Kraken's `pending`).
        case pending
        case open
        /// Done: filled in full.
        case closed
        case canceled
        case expired
    }

    public var venueOrderID: String
    public var clientOrderID: String?
    public var status: Status
    public var filledQuantity: Decimal
    /// The exchange's reason for a canceled or expired order.
    public var reason: String?

    public init(venueOrderID: String, clientOrderID: String?, status: Status, filledQuantity: Decimal, reason: String? = nil) {
        self.venueOrderID = venueOrderID
        self.clientOrderID = clientOrderID
        self.status = status
        self.filledQuantity = filledQuantity
        self.reason = reason
    }

    public var isDone: Bool { status == .closed || status == .canceled || status == .expired }
}
