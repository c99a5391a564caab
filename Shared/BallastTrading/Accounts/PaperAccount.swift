import Foundation

/// A user's paper trading account: the currency it keeps cash in and how its fills are priced.
public struct PaperAccount: Sendable, Equatable {
    public var id: UUID
    public var userID: UUID
    public var quoteCurrency: String
    public var allowShort: Bool
    public var pricing: ExecutionPricing
    /// Fill market orders at the signal's own price when it carries one (backtests, replays).
    public var trustSignalPrice: Bool
    /// Where its orders execute: paper fills them in the deciding transaction, an exchange later
    /// (`VenueOrderDispatcher`).
    public var venue: VenueKind

    public init(
        id: UUID, userID: UUID, quoteCurrency: String, allowShort: Bool, pricing: ExecutionPricing, trustSignalPrice: Bool,
        venue: VenueKind = .paper
    ) {
        self.id = id
        self.userID = userID
        self.quoteCurrency = quoteCurrency
        self.allowShort = allowShort
        self.pricing = pricing
        self.trustSignalPrice = trustSignalPrice
        self.venue = venue
    }

    /// The columns `init(row:)` reads, in order.
    static let columns = "id, user_id, quote_currency, allow_short, taker_fee_bps, maker_fee_bps, slippage_bps, trust_signal_price, venue"

    typealias Row = (UUID, UUID, String, Bool, Decimal, Decimal, Decimal, Bool, String)

    init(row: Row) {
        let (id, userID, quoteCurrency, allowShort, takerFee, makerFee, slippage, trustSignalPrice, venue) = row
        self.init(
            id: id, userID: userID, quoteCurrency: quoteCurrency, allowShort: allowShort,
            pricing: ExecutionPricing(takerFeeBps: takerFee, makerFeeBps: makerFee, slippageBps: slippage),
            // The column's check admits only the known venues.
            trustSignalPrice: trustSignalPrice, venue: VenueKind(rawValue: venue) ?? .paper
        )
    }
}
