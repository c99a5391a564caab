import BallastCore
import BallastTrading
import Foundation

/// One entry of TradesHistory's `trades` (keyed by the trade's txid), before its pair is named as Ballast names it.
struct KrakenTrade: Sendable, Equatable {
    var tradeID: String
    var orderID: String
    /// Kraken's pair name (`XXBTZUSD`).
    var pair: String
    var side: OrderSide
    var price: Decimal
    var quantity: Decimal
    var fee: Decimal
    /// What the trade cost or paid in the quote asset, as Kraken rounds it: the ledger books this, not price × volume.
    var cost: Decimal?
    var maker: Bool
    var time: Date

    /// nil when a field a fill needs is missing or unreadable.
    init?(tradeID: String, json: JSONValue) {
        guard let orderID = json["ordertxid"]?.krakenText, let pair = json["pair"]?.krakenText,
            let side = json["type"]?.krakenText.flatMap(OrderSide.init(rawValue:)), let price = json["price"]?.krakenDecimal,
            let quantity = json["vol"]?.krakenDecimal, let time = json["time"]?.krakenDate
        else { return nil }
        self.tradeID = tradeID
        self.orderID = orderID
        self.pair = pair
        self.side = side
        self.price = price
        self.quantity = quantity
        fee = json["fee"]?.krakenDecimal ?? 0
        cost = json["cost"]?.krakenDecimal
        maker = json["maker"]?.krakenBool ?? false
        self.time = time
    }

    func fill(symbol: String) -> VenueFill {
        VenueFill(
            tradeID: tradeID, venueOrderID: orderID, symbol: symbol, side: side, price: price, quantity: quantity, fee: fee,
            cost: cost, maker: maker, time: time)
    }
}
