import Foundation

/// A market the simulated Kraken lists, with the names and rules its `AssetPairs` answers, and the price its
/// market orders fill at.
public struct KrakenSimulatedPair: Sendable, Equatable {
    /// Kraken's pair name, the key of `AssetPairs` (`XXBTZUSD`).
    public var name: String
    /// The short name orders may also use (`XBTUSD`); `descr.pair` shows it.
    public var altname: String
    /// The v1 WebSocket name (`XBT/USD`), as `AssetPairs` reports it.
    public var wsname: String
    /// The v2 WebSocket name (`BTC/USD`): the trade hook's `symbol`, and the source of the common asset names
    /// (`BTC`, `USD`) that the controls accept besides Kraken's (`XXBT`, `ZUSD`).
    public var symbol: String
    /// Kraken's asset names (`XXBT`, `ZUSD`): the keys of `Balance`.
    public var base: String
    public var quote: String
    public var pairDecimals: Int
    public var lotDecimals: Int
    public var costDecimals: Int
    /// The smallest volume an order may have, in the base asset.
    public var orderMinimum: Decimal
    /// The smallest cost an order may have, in the quote asset.
    public var costMinimum: Decimal
    /// The price market orders fill at until a trade or a control moves it.
    public var lastPrice: Decimal

    public init(
        name: String, altname: String, wsname: String, symbol: String, base: String, quote: String, pairDecimals: Int, lotDecimals: Int,
        costDecimals: Int = 5, orderMinimum: Decimal, costMinimum: Decimal, lastPrice: Decimal
    ) {
        self.name = name
        self.altname = altname
        self.wsname = wsname
        self.symbol = symbol
        self.base = base
        self.quote = quote
        self.pairDecimals = pairDecimals
        self.lotDecimals = lotDecimals
        self.costDecimals = costDecimals
        self.orderMinimum = orderMinimum
        self.costMinimum = costMinimum
        self.lastPrice = lastPrice
    }

    /// The common names of the base and quote assets, from `symbol` (`BTC`, `USD`).
    public var baseCommonName: String { String(symbol.split(separator: "/").first ?? Substring(base)) }
    public var quoteCommonName: String { String(symbol.split(separator: "/").last ?? Substring(quote)) }

    /// Bitcoin, Ether and Solana against the US dollar, with Kraken's names and rules for them.
    public static let defaults: [KrakenSimulatedPair] = [
        KrakenSimulatedPair(
            name: "XXBTZUSD", altname: "XBTUSD", wsname: "XBT/USD", symbol: "BTC/USD", base: "XXBT", quote: "ZUSD", pairDecimals: 1,
            lotDecimals: 8, orderMinimum: Decimal(string: "0.00005")!, costMinimum: Decimal(string: "0.5")!, lastPrice: 60_000),
        KrakenSimulatedPair(
            name: "XETHZUSD", altname: "ETHUSD", wsname: "ETH/USD", symbol: "ETH/USD", base: "XETH", quote: "ZUSD", pairDecimals: 2,
            lotDecimals: 8, orderMinimum: Decimal(string: "0.002")!, costMinimum: Decimal(string: "0.5")!, lastPrice: 3_000),
        KrakenSimulatedPair(
            name: "SOLUSD", altname: "SOLUSD", wsname: "SOL/USD", symbol: "SOL/USD", base: "SOL", quote: "ZUSD", pairDecimals: 2,
            lotDecimals: 8, orderMinimum: Decimal(string: "0.02")!, costMinimum: Decimal(string: "0.5")!, lastPrice: 150),
    ]
}
