import BallastCore
import Foundation

/// A pair's best prices and last trade from Ticker.
public struct KrakenTicker: Sendable, Equatable {
    public var symbol: String
    public var bid: Decimal
    public var ask: Decimal
    public var last: Decimal

    public init(symbol: String, bid: Decimal, ask: Decimal, last: Decimal) {
        self.symbol = symbol
        self.bid = bid
        self.ask = ask
        self.last = last
    }

    /// From Ticker's entry for the pair: `b`, `a` and `c` are arrays whose first element is the price.
    init?(symbol: String, json: JSONValue) {
        guard let bid = json["b"]?.krakenArray?.first?.krakenDecimal, let ask = json["a"]?.krakenArray?.first?.krakenDecimal,
            let last = json["c"]?.krakenArray?.first?.krakenDecimal
        else { return nil }
        self.init(symbol: symbol, bid: bid, ask: ask, last: last)
    }
}
