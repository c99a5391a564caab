import BallastTrading
import Foundation

/// An order the simulated Kraken took, as its order queries report it; tests read these to see what was placed.
public struct KrakenSimulatedOrder: Sendable, Equatable {
    /// Kraken's order statuses.
    public enum Status: String, Sendable, Equatable {
        case pending, open, closed, canceled, expired

        /// Open orders are the ones `OpenOrders` lists and that hold funds; the others `ClosedOrders` lists.
        public var isOpen: Bool { self == .pending || self == .open }
    }

    /// Kraken's order id (`OXXXXX-XXXXX-XXXXXX`).
    public var txid: String
    /// The client's `cl_ord_id`, unique among open orders only.
    public var clientOrderID: String?
    public var userref: Int?
    /// Kraken's pair name (`XXBTZUSD`).
    public var pair: String
    public var side: OrderSide
    public var type: OrderType
    public var volume: Decimal
    /// The limit price; nil for a market order.
    public var limitPrice: Decimal?
    public var status: Status
    public var openTime: Date
    public var closeTime: Date?
    public var executedVolume: Decimal = 0
    /// The quote value of the fills, and their fees, in the quote asset.
    public var cost: Decimal = 0
    public var fee: Decimal = 0
    /// The ids of its trades (`TXXXXX-XXXXX-XXXXXX`), oldest first.
    public var tradeIDs: [String] = []
    /// Why it was canceled (`User requested`).
    public var reason: String?

    public init(
        txid: String, clientOrderID: String?, userref: Int?, pair: String, side: OrderSide, type: OrderType, volume: Decimal,
        limitPrice: Decimal?, status: Status, openTime: Date
    ) {
        self.txid = txid
        self.clientOrderID = clientOrderID
        self.userref = userref
        self.pair = pair
        self.side = side
        self.type = type
        self.volume = volume
        self.limitPrice = limitPrice
        self.status = status
        self.openTime = openTime
    }

    public var remainingVolume: Decimal { volume - executedVolume }

    /// The volume-weighted price of its fills; 0 before the first.
    public var averagePrice: Decimal { executedVolume > 0 ? cost / executedVolume : 0 }
}
