import Foundation

/// An exchange that Ballast trades on over its own API (Kraken). The paper venue is not one: it fills inside the
/// account's transaction (`SignalExecutor`, `LockedAccount`); an exchange fills later, so its orders are placed by
/// `VenueOrderDispatcher` after the decision commits, and its fills are booked when the exchange reports them.
///
/// Every call may throw `VenueError`: `.rejected` means the exchange answered and refused (nothing was done there),
/// `.unknown` that the answer was lost (a timeout, a dropped connection), so whether it acted is not known.
public protocol ExchangeVenue: Sendable {
    var kind: VenueKind { get }

    /// The exchange's rules for a Ballast symbol (`BTC-USD`); `.rejected` when it does not list the market.
    func rules(for symbol: String) async throws -> VenueSymbolRules

    /// Places `order`; with `order.validateOnly` the exchange checks it and places nothing (a dry run).
    func place(_ order: VenueOrderRequest) async throws -> VenuePlacement

    /// Cancels the open order `venueOrderID`.
    func cancel(venueOrderID: String) async throws

    /// The order placed with client order id `clientOrderID`, open or closed; nil when the exchange has none.
    func order(clientOrderID: String) async throws -> VenueOrderState?

    /// The orders `venueOrderIDs`, open or closed (ids the exchange does not know are left out).
    func orders(venueOrderIDs: [String]) async throws -> [VenueOrderState]

    /// The account's trades since `start` (inclusive), oldest first.
    func fills(since start: Date) async throws -> [VenueFill]

    /// The account's total balance per asset, named as Ballast names assets (`BTC`, `USD`).
    func balances() async throws -> [String: Decimal]
}
