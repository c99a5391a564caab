import BallastCore
import BallastTrading
import Foundation

/// One market as Kraken's AssetPairs lists it, with its assets already in Ballast's names.
public struct KrakenAssetPair: Sendable, Equatable {
    /// Kraken's key for the pair (`XXBTZUSD`): the name AddOrder accepts and TradesHistory reports.
    public var name: String
    /// The pair's other names (`XBTUSD`, `XBT/USD`), which some answers use instead.
    public var altname: String
    public var wsname: String?
    /// Ballast's name of the base asset (`BTC`).
    public var base: String
    /// Ballast's name of the quote asset (`USD`).
    public var quote: String
    public var priceDecimals: Int
    public var quantityDecimals: Int
    public var minimumQuantity: Decimal
    public var minimumCost: Decimal?
    /// `online`, `cancel_only`, `post_only`, `limit_only`, `reduce_only`, `delisted`; nil when Kraken leaves it out.
    public var status: String?

    /// Ballast's name of the market (`BTC-USD`).
    public var symbol: String { "\(base)-\(quote)" }

    public var rules: VenueSymbolRules {
        VenueSymbolRules(
            symbol: symbol, venueSymbol: name, priceDecimals: priceDecimals, quantityDecimals: quantityDecimals,
            minimumQuantity: minimumQuantity, minimumCost: minimumCost)
    }

    public init(
        name: String, altname: String, wsname: String?, base: String, quote: String, priceDecimals: Int, quantityDecimals: Int,
        minimumQuantity: Decimal, minimumCost: Decimal?, status: String?
    ) {
        self.name = name
        self.altname = altname
        self.wsname = wsname
        self.base = base
        self.quote = quote
        self.priceDecimals = priceDecimals
        self.quantityDecimals = quantityDecimals
        self.minimumQuantity = minimumQuantity
        self.minimumCost = minimumCost
        self.status = status
    }

    /// The pair under key `name` of AssetPairs' result; nil when a field Ballast needs is missing or malformed.
    public init?(name: String, json: JSONValue) {
        let wsname = json["wsname"]?.krakenText
        let wsParts = wsname?.split(separator: "/").map(String.init) ?? []
        guard let base = json["base"]?.krakenText ?? wsParts.first,
            let quote = json["quote"]?.krakenText ?? (wsParts.count == 2 ? wsParts[1] : nil),
            let priceDecimals = json["pair_decimals"]?.krakenInteger, (0...18).contains(priceDecimals),
            let quantityDecimals = json["lot_decimals"]?.krakenInteger, (0...18).contains(quantityDecimals)
        else { return nil }
        self.init(
            name: name, altname: json["altname"]?.krakenText ?? name, wsname: wsname, base: KrakenAssetNames.ballastName(base),
            quote: KrakenAssetNames.ballastName(quote), priceDecimals: priceDecimals, quantityDecimals: quantityDecimals,
            minimumQuantity: json["ordermin"]?.krakenDecimal ?? 0, minimumCost: json["costmin"]?.krakenDecimal,
            status: json["status"]?.krakenText)
    }

    /// Every usable pair in AssetPairs' `result`. Dark-pool pairs (`XXBTZUSD.d`) are left out: they trade the same
    /// assets as the lit pair and would take its Ballast symbol. Entries Ballast cannot read are skipped, not fatal.
    public static func parseAll(_ result: JSONValue) -> [KrakenAssetPair] {
        result.krakenMembers.compactMap { member in
            guard !member.key.hasSuffix(".d") else { return nil }
            return KrakenAssetPair(name: member.key, json: member.value)
        }
    }
}
