import AsyncHTTPClient
import BallastCore
import BallastTrading
import Foundation
import Logging

/// Kraken spot as an `ExchangeVenue`, over its REST API. Markets are named through AssetPairs (kept in memory for
/// `pairsTimeToLive`), amounts are exact decimals from Kraken's text, and orders carry Ballast's client order id as
/// Kraken's `cl_ord_id`, the key that finds an order whose answer was lost.
public struct KrakenVenue: ExchangeVenue {
    public var kind: VenueKind { .kraken }
    public let client: KrakenClient
    private let pairs: KrakenPairDirectory
    private let logger: Logger

    /// QueryOrders takes at most 50 txids a call; TradesHistory answers 50 trades a page.
    static let batchSize = 50
    /// A bound on TradesHistory pages for one `fills(since:)` (100,000 trades), so a server that keeps reporting more
    /// cannot keep the call going for ever.
    static let maximumTradePages = 2000

    public init(
        baseURL: String = KrakenClient.defaultBaseURL, apiKey: String, secret: Secret, httpClient: HTTPClient = .shared,
        timeout: Duration = .seconds(10), tier: KrakenRateTier? = .starter, pairsTimeToLive: Duration = .seconds(3600),
        logger: Logger = Logger(label: "ballast.kraken")
    ) {
        let client = KrakenClient(
            baseURL: baseURL, apiKey: apiKey, secret: secret, tier: tier, timeout: timeout, httpClient: httpClient, logger: logger)
        self.client = client
        pairs = KrakenPairDirectory(timeToLive: pairsTimeToLive) {
            KrakenAssetPair.parseAll(try await client.publicCall("AssetPairs"))
        }
        self.logger = logger
    }

    public func rules(for symbol: String) async throws -> VenueSymbolRules {
        try await pair(symbol).rules
    }

    public func place(_ order: VenueOrderRequest) async throws -> VenuePlacement {
        let pair = try await pair(order.symbol)
        let volume = KrakenOrderFormat.volume(order.quantity, decimals: pair.quantityDecimals)
        guard let rounded = ExactDecimal.parse(volume), rounded > 0 else {
            throw VenueError.rejected(
                code: "Ballast:Volume rounds to zero",
                reason: "\(order.quantity) \(pair.base) is less than the smallest step Kraken takes (\(pair.quantityDecimals) decimals)")
        }
        var parameters: [(name: String, value: String)] = [
            ("pair", pair.name), ("type", order.side.rawValue), ("ordertype", order.type.rawValue), ("volume", volume),
        ]
        if order.type == .limit {
            guard let limit = order.limitPrice, limit > 0 else {
                throw VenueError.rejected(code: "Ballast:Missing limit price", reason: "a limit order needs a limit price above zero")
            }
            parameters.append(("price", KrakenOrderFormat.limitPrice(limit, side: order.side, decimals: pair.priceDecimals)))
            if order.timeInForce == .ioc { parameters.append(("timeinforce", "IOC")) }
        }
        parameters.append(("cl_ord_id", order.clientOrderID))
        if order.validateOnly { parameters.append(("validate", "true")) }
        let result: JSONValue
        do {
            result = try await client.privateCall("AddOrder", parameters)
        } catch VenueError.rejected(let code, _) where code.hasPrefix("EOrder:Duplicate order") {
            // Kraken has an open order with this cl_ord_id: an earlier request of this order, whose answer was lost, got
            // there. It is not refused, it is placed: the order is looked up, never rejected (its fills would go unbooked).
            throw VenueError.unknown("\(code): Kraken already has an open order with client order id \(order.clientOrderID)")
        }
        let description = result["descr"]?["order"]?.krakenText ?? ""
        if order.validateOnly { return VenuePlacement(venueOrderID: nil, description: description) }
        guard let txid = result["txid"]?.krakenArray?.first?.krakenText ?? result["txid"]?.krakenText else {
            throw VenueError.unknown("AddOrder answered without the order's txid")
        }
        return VenuePlacement(venueOrderID: txid, description: description)
    }

    public func cancel(venueOrderID: String) async throws {
        _ = try await client.privateCall("CancelOrder", [("txid", venueOrderID)])
    }

    /// Asks OpenOrders, then ClosedOrders, each filtered by `cl_ord_id` (QueryOrders wants txids, which a lost answer
    /// did not give). Open first: an order that closes between the two calls is then still found among the closed;
    /// asked the other way round it could be in neither answer. Entries are also matched here on their own
    /// `cl_ord_id`, so a server that ignored the filter cannot hand back another order.
    public func order(clientOrderID: String) async throws -> VenueOrderState? {
        let open = try await client.privateCall("OpenOrders", [("cl_ord_id", clientOrderID)])
        if let state = KrakenOrderInfo.states(in: open["open"]).first(where: { $0.clientOrderID == clientOrderID }) {
            return state
        }
        let closed = try await client.privateCall("ClosedOrders", [("cl_ord_id", clientOrderID)])
        return KrakenOrderInfo.states(in: closed["closed"]).first { $0.clientOrderID == clientOrderID }
    }

    public func orders(venueOrderIDs: [String]) async throws -> [VenueOrderState] {
        var seen = Set<String>()
        let ids = venueOrderIDs.filter { seen.insert($0).inserted }
        var states: [VenueOrderState] = []
        for start in stride(from: 0, to: ids.count, by: Self.batchSize) {
            states += try await queryOrders(Array(ids[start..<min(start + Self.batchSize, ids.count)]))
        }
        return states
    }

    /// QueryOrders for `ids`. Kraken refuses the whole call when one txid is unknown to it, so a refused batch is
    /// asked again one id at a time and the ids it does not know are left out.
    private func queryOrders(_ ids: [String]) async throws -> [VenueOrderState] {
        do {
            let result = try await client.privateCall("QueryOrders", [("txid", ids.joined(separator: ","))])
            let byID = Dictionary(KrakenOrderInfo.states(in: result).map { ($0.venueOrderID, $0) }) { first, _ in first }
            return ids.compactMap { byID[$0] }
        } catch VenueError.rejected(let code, _) where Self.isUnknownOrder(code) {
            guard ids.count > 1 else { return [] }
            var states: [VenueOrderState] = []
            for id in ids { states += try await queryOrders([id]) }
            return states
        }
    }

    private static func isUnknownOrder(_ code: String) -> Bool {
        code.hasPrefix("EOrder:Invalid order") || code.hasPrefix("EOrder:Unknown order")
            || code.hasPrefix("EGeneral:Invalid arguments:txid")
    }

    /// TradesHistory from `start`, page by page (`ofs`). Kraken lists newest first, so a trade made while paging
    /// pushes older ones to later pages: some are then seen twice (kept once, by trade id), none is skipped.
    public func fills(since start: Date) async throws -> [VenueFill] {
        // Kraken's `start` is exclusive and in whole seconds: ask from a second earlier and filter here.
        let startParameter = String(start.epochSeconds - 1)
        var byID: [String: VenueFill] = [:]
        var offset = 0
        for _ in 0..<Self.maximumTradePages {
            let result = try await client.privateCall("TradesHistory", [("start", startParameter), ("ofs", String(offset))])
            let trades = result["trades"]?.krakenMembers ?? []
            for (id, json) in trades {
                guard let trade = KrakenTrade(tradeID: id, json: json) else {
                    logger.warning("kraken trade unreadable, left out", metadata: ["trade": "\(id)"])
                    continue
                }
                guard trade.time >= start, byID[id] == nil else { continue }
                guard let pair = try await pairs.pair(krakenName: trade.pair) else {
                    logger.warning(
                        "kraken trade on a pair Kraken no longer lists, left out", metadata: ["trade": "\(id)", "pair": "\(trade.pair)"])
                    continue
                }
                byID[id] = trade.fill(symbol: pair.symbol)
            }
            offset += trades.count
            guard !trades.isEmpty, let count = result["count"]?.krakenInteger, offset < count else { break }
        }
        return byID.values.sorted { ($0.time, $0.tradeID) < ($1.time, $1.tradeID) }
    }

    /// Balance, in Ballast's asset names; balances outside the spot wallet (earn, staked) are left out, see
    /// `KrakenAssetNames.isOutsideSpotWallet`.
    public func balances() async throws -> [String: Decimal] {
        let result = try await client.privateCall("Balance")
        var balances: [String: Decimal] = [:]
        for (name, value) in result.krakenMembers where !KrakenAssetNames.isOutsideSpotWallet(name) {
            guard let amount = value.krakenDecimal else {
                throw VenueError.unknown("Balance answered an unreadable amount for \(name)")
            }
            balances[KrakenAssetNames.ballastName(name), default: 0] += amount
        }
        return balances
    }

    /// The best bid and ask and the last trade of `symbol`.
    public func ticker(for symbol: String) async throws -> KrakenTicker {
        let pair = try await pair(symbol)
        let result = try await client.publicCall("Ticker", [("pair", pair.name)])
        guard let entry = result.krakenMembers.first?.value, let ticker = KrakenTicker(symbol: pair.symbol, json: entry) else {
            throw VenueError.unknown("Ticker answered no prices for \(pair.name)")
        }
        return ticker
    }

    private func pair(_ symbol: String) async throws -> KrakenAssetPair {
        guard let pair = try await pairs.pair(symbol: symbol) else {
            throw VenueError.rejected(code: "EQuery:Unknown asset pair", reason: "Kraken does not list \(symbol)")
        }
        return pair
    }
}
