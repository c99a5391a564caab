import BallastCore
import BallastTrading
import Foundation

/// The simulated Kraken's book-keeping, without locks or I/O: listed pairs and their last prices, the account's
/// balances, orders and trades, and the matching of orders against the last price and against market trades.
/// `KrakenSimulator` keeps one behind a lock; each method runs whole, so each call is atomic.
struct KrakenSimulatedExchange {
    static let takerFeeRate = Decimal(string: "0.004")!
    static let makerFeeRate = Decimal(string: "0.0025")!
    /// Kraken answers 50 orders or trades per page.
    static let pageSize = 50

    /// What happened on a pair's market since the simulator started, for `Ticker`.
    struct MarketStatistics {
        var open: Decimal
        var high: Decimal
        var low: Decimal
        var volume: Decimal = 0
        var valueTraded: Decimal = 0
        var tradeCount = 0
        var lastVolume: Decimal = 0

        init(price: Decimal) {
            open = price
            high = price
            low = price
        }
    }

    private(set) var pairs: [KrakenSimulatedPair]
    /// Balances by Kraken asset name (`ZUSD`, `XXBT`).
    private(set) var balances: [String: Decimal] = [:]
    private(set) var orders: [String: KrakenSimulatedOrder] = [:]
    /// Order ids in the order they were placed.
    private(set) var orderSequence: [String] = []
    /// The account's trades, oldest first.
    private(set) var fills: [KrakenSimulatedFill] = []
    /// AddOrder calls that placed an order (not refused, not `validate`).
    private(set) var placedOrderCount = 0
    private var lastTradeIDs: [String: Int] = [:]
    private var statistics: [String: MarketStatistics] = [:]
    private var lastTicks: Int64 = 0
    /// Market orders (and crossing limit orders) of at least this cost fill in two trades, as a large order on a real
    /// book does; nil fills every order in one trade.
    let splitFillsFromCost: Decimal?

    init(pairs: [KrakenSimulatedPair], splitFillsFromCost: Decimal?) {
        self.pairs = pairs
        self.splitFillsFromCost = splitFillsFromCost
        for pair in pairs { statistics[pair.name] = MarketStatistics(price: pair.lastPrice) }
    }

    // MARK: Names, times, ids

    /// The pair named by its Kraken name, altname, v1 or v2 WebSocket name, or the v2 name without its slash.
    func pairIndex(_ name: String) -> Int? {
        pairs.firstIndex { pair in
            [pair.name, pair.altname, pair.wsname, pair.symbol, pair.symbol.replacingOccurrences(of: "/", with: "")].contains(name)
        }
    }

    /// Kraken's name of an asset given by it (`XXBT`) or by its common name (`BTC`, `XBT`); unknown names are kept.
    func krakenAsset(_ name: String) -> String {
        for pair in pairs {
            if name == pair.base || name == pair.baseCommonName || name == pair.wsname.split(separator: "/").first.map(String.init) {
                return pair.base
            }
            if name == pair.quote || name == pair.quoteCommonName || name == pair.wsname.split(separator: "/").last.map(String.init) {
                return pair.quote
            }
        }
        return name
    }

    /// Kraken keeps fiat to 4 decimals (`ZUSD`) and crypto to 10.
    static func decimals(ofAsset asset: String) -> Int { asset.count == 4 && asset.hasPrefix("Z") ? 4 : 10 }

    /// Now, on Kraken's 0.1 ms grid, strictly after every earlier time this exchange gave, so that trades and orders
    /// keep their order when sorted by time.
    mutating func now() -> Date {
        lastTicks = max(lastTicks + 1, KrakenSimulatorJSON.ticks(Date()))
        return KrakenSimulatorJSON.date(ticks: lastTicks)
    }

    static func newID(prefix: Character) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var generator = SystemRandomNumberGenerator()
        func random(_ count: Int) -> String { String((0..<count).map { _ in alphabet.randomElement(using: &generator)! }) }
        return "\(prefix)\(random(5))-\(random(5))-\(random(6))"
    }

    // MARK: Controls

    mutating func setBalance(_ amount: Decimal, asset: String) { balances[krakenAsset(asset)] = amount }

    func balance(_ asset: String) -> Decimal { balances[krakenAsset(asset)] ?? 0 }

    /// What open orders hold of `asset`: a resting buy its cost and maker fee in the quote asset, a sell its volume.
    func held(_ asset: String) -> Decimal {
        orders.values.filter(\.status.isOpen).reduce(Decimal(0)) { total, order in
            guard let pair = pairs.first(where: { $0.name == order.pair }) else { return total }
            if order.side == .buy, pair.quote == asset, let limit = order.limitPrice {
                return total + Self.costWithFee(volume: order.remainingVolume, price: limit, rate: Self.makerFeeRate, asset: asset)
            }
            if order.side == .sell, pair.base == asset { return total + order.remainingVolume }
            return total
        }
    }

    func available(_ asset: String) -> Decimal { (balances[asset] ?? 0) - held(asset) }

    mutating func setLastPrice(_ price: Decimal, pair index: Int) { pairs[index].lastPrice = price }

    /// A trade by others at `price`: it becomes the last price, and fills resting limit orders it reaches (a buy at
    /// or above it, a sell at or below it), best price first, up to `volume`, at their own limit prices as makers.
    mutating func publishMarketTrade(pair index: Int, price: Decimal, volume: Decimal, side: OrderSide) -> KrakenSimulatedTrade {
        let time = now()
        let tradeID = nextTradeID(pair: index)
        record(pair: index, price: price, volume: volume)
        let pairName = pairs[index].name
        let reached = orders.values.filter { order in
            guard order.status.isOpen, order.pair == pairName, let limit = order.limitPrice else { return false }
            return order.side == .buy ? limit >= price : limit <= price
        }.sorted { first, second in
            let (a, b) = (first.limitPrice!, second.limitPrice!)
            if a != b { return first.side == .buy ? a > b : a < b }
            return first.openTime < second.openTime
        }
        var left = volume
        for order in reached where left > 0 {
            let quantity = min(order.remainingVolume, left)
            fill(order: order.txid, volume: quantity, price: order.limitPrice!, isMaker: true, marketTradeID: tradeID, time: time)
            left -= quantity
        }
        return KrakenSimulatedTrade(
            symbol: pairs[index].symbol, side: side, price: price, quantity: volume, tradeID: tradeID, time: time, orderType: .limit)
    }

    // MARK: Orders

    /// AddOrder: checks the order as Kraken does, in Kraken's order (arguments, minimums, duplicate client id, funds),
    /// then places it unless `validate`; a market order, or a limit order at or through the last price, fills at once
    /// at the last price; a limit order `timeinforce` `IOC` that does not is canceled at once. Returns Kraken's result and the market trades it made.
    mutating func addOrder(_ form: KrakenSimulatorForm) throws(KrakenSimulatorError) -> (result: JSONValue, trades: [KrakenSimulatedTrade])
    {
        guard let pairName = form["pair"], !pairName.isEmpty else { throw .invalidArguments("pair") }
        guard let index = pairIndex(pairName) else { throw .unknownPair }
        let pair = pairs[index]
        guard let side = form["type"].flatMap(OrderSide.init(rawValue:)) else { throw .invalidArguments("type") }
        guard let type = form["ordertype"].flatMap(OrderType.init(rawValue:)) else { throw .invalidArguments("ordertype") }
        guard let volume = form["volume"].flatMap(ExactDecimal.parse), volume > 0, volume == volume.rounded(places: pair.lotDecimals)
        else { throw .invalidArguments("volume") }
        var limitPrice: Decimal?
        if type == .limit {
            guard let price = form["price"].flatMap(ExactDecimal.parse), price > 0, price == price.rounded(places: pair.pairDecimals)
            else { throw .invalidArguments("price") }
            limitPrice = price
        }
        let clientOrderID = form["cl_ord_id"]
        if let clientOrderID {
            guard Self.isValidClientOrderID(clientOrderID), form["userref"] == nil else { throw .invalidArguments("cl_ord_id") }
        }
        let userref = try form["userref"].map { text throws(KrakenSimulatorError) in
            guard let value = Int32(text) else { throw .invalidArguments("userref") }
            return Int(value)
        }
        let immediateOrCancel: Bool
        switch form["timeinforce"] ?? "GTC" {
        case "GTC": immediateOrCancel = false
        case "IOC": immediateOrCancel = true
        default: throw .invalidArguments("timeinforce")
        }
        guard volume >= pair.orderMinimum else { throw .orderMinimumNotMet }
        let crosses = limitPrice.map { side == .buy ? $0 >= pair.lastPrice : $0 <= pair.lastPrice } ?? true
        let checkedPrice = crosses ? pair.lastPrice : limitPrice!
        guard volume * checkedPrice >= pair.costMinimum else { throw .costMinimumNotMet }
        if let clientOrderID, orders.values.contains(where: { $0.status.isOpen && $0.clientOrderID == clientOrderID }) {
            throw .duplicateOrder
        }
        let (asset, needed) =
            side == .buy
            ? (
                pair.quote,
                Self.costWithFee(
                    volume: volume, price: checkedPrice, rate: crosses ? Self.takerFeeRate : Self.makerFeeRate, asset: pair.quote)
            ) : (pair.base, volume)
        guard available(asset) >= needed else { throw .insufficientFunds }

        var order = KrakenSimulatedOrder(
            txid: Self.newID(prefix: "O"), clientOrderID: clientOrderID, userref: userref, pair: pair.name, side: side, type: type,
            volume: volume, limitPrice: limitPrice, status: .open, openTime: Date())
        if form.flag("validate") {
            return (.object([("descr", .object([("order", .string(KrakenSimulatorJSON.summary(of: order, pair: pair)))]))]), [])
        }
        order.openTime = now()
        orders[order.txid] = order
        orderSequence.append(order.txid)
        placedOrderCount += 1
        var trades: [KrakenSimulatedTrade] = []
        if !crosses, immediateOrCancel {
            // Nothing to fill at once: Kraken cancels it, it never rests.
            orders[order.txid]!.status = .canceled
            orders[order.txid]!.reason = "Immediate or cancel"
            orders[order.txid]!.closeTime = order.openTime
        }
        if crosses {
            let lots = Decimal(sign: .plus, exponent: -pair.lotDecimals, significand: 1)
            var parts = [volume]
            if let splitFillsFromCost, volume * pair.lastPrice >= splitFillsFromCost {
                let first = (volume / 2).rounded(.down, places: pair.lotDecimals)
                if first >= lots { parts = [first, volume - first] }
            }
            for part in parts {
                let time = now()
                let tradeID = nextTradeID(pair: index)
                record(pair: index, price: pair.lastPrice, volume: part)
                fill(order: order.txid, volume: part, price: pair.lastPrice, isMaker: false, marketTradeID: tradeID, time: time)
                trades.append(
                    KrakenSimulatedTrade(
                        symbol: pair.symbol, side: side, price: pair.lastPrice, quantity: part, tradeID: tradeID, time: time,
                        orderType: type))
            }
        }
        let result: JSONValue = .object([
            ("descr", .object([("order", .string(KrakenSimulatorJSON.summary(of: order, pair: pair)))])),
            ("txid", .array([.string(order.txid)])),
        ])
        return (result, trades)
    }

    /// Kraken's `cl_ord_id` formats: a UUID with or without its dashes, or free text of up to 18 ASCII characters.
    static func isValidClientOrderID(_ text: String) -> Bool {
        if UUID(uuidString: text) != nil { return true }
        if text.count == 32, text.allSatisfy(\.isHexDigit) { return true }
        return !text.isEmpty && text.count <= 18 && text.allSatisfy { $0.isASCII && !$0.isWhitespace && $0.asciiValue! >= 0x21 }
    }

    /// CancelOrder: the open orders `txid` names (an order id or a `userref`), or `cl_ord_id`; Kraken's
    /// `EOrder:Unknown order` when none is open.
    mutating func cancelOrder(_ form: KrakenSimulatorForm) throws(KrakenSimulatorError) -> JSONValue {
        let matching: [String]
        if let txid = form["txid"], !txid.isEmpty {
            if let userref = Int(txid) {
                matching = orderSequence.filter { orders[$0]!.userref == userref && orders[$0]!.status.isOpen }
            } else {
                matching = orders[txid].map { $0.status.isOpen ? [txid] : [] } ?? []
            }
        } else if let clientOrderID = form["cl_ord_id"], !clientOrderID.isEmpty {
            matching = orderSequence.filter { orders[$0]!.clientOrderID == clientOrderID && orders[$0]!.status.isOpen }
        } else {
            throw .invalidArguments("txid")
        }
        guard !matching.isEmpty else { throw .unknownOrder }
        let time = now()
        for txid in matching {
            orders[txid]!.status = .canceled
            orders[txid]!.reason = "User requested"
            orders[txid]!.closeTime = time
        }
        return .object([("count", KrakenSimulatorJSON.integer(matching.count))])
    }

    // MARK: Queries

    func queryOrders(_ form: KrakenSimulatorForm) throws(KrakenSimulatorError) -> JSONValue {
        let txids = form.list("txid")
        let clientOrderID = form["cl_ord_id"]
        guard !txids.isEmpty || clientOrderID != nil else { throw .invalidArguments("txid") }
        guard txids.count <= 50 else { throw .invalidArguments("txid") }
        let candidates = txids.isEmpty ? orderSequence : txids
        let found = candidates.compactMap { orders[$0] }.filter { order in
            clientOrderID.map { order.clientOrderID == $0 } ?? true
        }
        return try object(of: filtered(found, form), form)
    }

    func openOrders(_ form: KrakenSimulatorForm) throws(KrakenSimulatorError) -> JSONValue {
        let open = orderSequence.reversed().compactMap { orders[$0] }.filter(\.status.isOpen)
        return .object([("open", try object(of: filtered(open, form), form))])
    }

    /// ClosedOrders: most recently closed first, 50 a page from `ofs`, between `start` (exclusive) and `end`
    /// (inclusive), each a Unix time or an order id, compared with the open or close time as `closetime` says.
    func closedOrders(_ form: KrakenSimulatorForm) throws(KrakenSimulatorError) -> JSONValue {
        let closetime = form["closetime"] ?? "both"
        guard ["open", "close", "both"].contains(closetime) else { throw .invalidArguments("closetime") }
        let start = try bound(form, "start", orderTime: true)
        let end = try bound(form, "end", orderTime: true)
        let closed = try filtered(orders.values.filter { !$0.status.isOpen }, form).filter { order in
            let times = [
                closetime != "close" ? KrakenSimulatorJSON.ticks(order.openTime) : nil,
                closetime != "open" ? order.closeTime.map(KrakenSimulatorJSON.ticks) : nil,
            ].compactMap { $0 }
            return times.contains { time in start.map { time > $0 } ?? true && end.map { time <= $0 } ?? true }
        }.sorted { ($0.closeTime ?? $0.openTime, $0.txid) > ($1.closeTime ?? $1.openTime, $1.txid) }
        let page = try self.page(closed, form)
        return .object([("closed", try object(of: page, form)), ("count", KrakenSimulatorJSON.integer(closed.count))])
    }

    /// TradesHistory: most recent first, 50 a page from `ofs`, between `start` (exclusive) and `end` (inclusive), each
    /// a Unix time or a trade id; `count` is the number of trades in the range.
    func tradesHistory(_ form: KrakenSimulatorForm) throws(KrakenSimulatorError) -> JSONValue {
        let start = try bound(form, "start", orderTime: false)
        let end = try bound(form, "end", orderTime: false)
        let matching = fills.reversed().filter { fill in
            let time = KrakenSimulatorJSON.ticks(fill.time)
            return start.map { time > $0 } ?? true && end.map { time <= $0 } ?? true
        }
        let page = try self.page(Array(matching), form)
        let trades: [(key: String, value: JSONValue)] = page.compactMap { fill in
            pairs.first { $0.name == fill.pair }.map { (fill.txid, KrakenSimulatorJSON.fill(fill, pair: $0)) }
        }
        return .object([("trades", .object(trades)), ("count", KrakenSimulatorJSON.integer(matching.count))])
    }

    /// Balance: every asset the account has held, with the asset's decimals.
    func balanceResult() -> JSONValue {
        .object(
            balances.keys.sorted().map { asset in
                (asset, KrakenSimulatorJSON.amount(balances[asset]!, Self.decimals(ofAsset: asset)))
            })
    }

    /// BalanceEx: each asset's total and the part open orders hold.
    func extendedBalanceResult() -> JSONValue {
        .object(
            balances.keys.sorted().map { asset in
                let places = Self.decimals(ofAsset: asset)
                return (
                    asset,
                    .object([
                        ("balance", KrakenSimulatorJSON.amount(balances[asset]!, places)),
                        ("hold_trade", KrakenSimulatorJSON.amount(held(asset), places)),
                    ])
                )
            })
    }

    /// Ticker for `pair`: the best ask and bid one tick around the last price, and the day's figures since start.
    func ticker(pair index: Int) -> JSONValue {
        let pair = pairs[index]
        let statistics = statistics[pair.name] ?? MarketStatistics(price: pair.lastPrice)
        let tick = Decimal(sign: .plus, exponent: -pair.pairDecimals, significand: 1)
        func price(_ value: Decimal) -> JSONValue { KrakenSimulatorJSON.amount(value, pair.pairDecimals) }
        func volume(_ value: Decimal) -> JSONValue { KrakenSimulatorJSON.amount(value, pair.lotDecimals) }
        let vwap = statistics.volume > 0 ? statistics.valueTraded / statistics.volume : pair.lastPrice
        let count = KrakenSimulatorJSON.integer(statistics.tradeCount)
        return .object([
            ("a", .array([price(pair.lastPrice + tick), .string("1"), .string("1.000")])),
            ("b", .array([price(max(tick, pair.lastPrice - tick)), .string("1"), .string("1.000")])),
            ("c", .array([price(pair.lastPrice), volume(statistics.lastVolume)])),
            ("v", .array([volume(statistics.volume), volume(statistics.volume)])),
            ("p", .array([price(vwap), price(vwap)])),
            ("t", .array([count, count])),
            ("l", .array([price(statistics.low), price(statistics.low)])),
            ("h", .array([price(statistics.high), price(statistics.high)])),
            ("o", price(statistics.open)),
        ])
    }

    // MARK: Helpers

    private func filtered(
        _ orders: [KrakenSimulatedOrder], _ form: KrakenSimulatorForm
    ) throws(KrakenSimulatorError)
        -> [KrakenSimulatedOrder]
    {
        var result = orders
        if let userrefText = form["userref"] {
            guard let userref = Int(userrefText) else { throw .invalidArguments("userref") }
            result = result.filter { $0.userref == userref }
        }
        if let clientOrderID = form["cl_ord_id"] { result = result.filter { $0.clientOrderID == clientOrderID } }
        return result
    }

    private func object(of orders: [KrakenSimulatedOrder], _ form: KrakenSimulatorForm) throws(KrakenSimulatorError) -> JSONValue {
        let includeTrades = form.flag("trades")
        return .object(
            orders.compactMap { order in
                pairs.first { $0.name == order.pair }.map {
                    (order.txid, KrakenSimulatorJSON.order(order, pair: $0, includeTrades: includeTrades))
                }
            })
    }

    private func page<Item>(_ items: [Item], _ form: KrakenSimulatorForm) throws(KrakenSimulatorError) -> [Item] {
        var offset = 0
        if let text = form["ofs"] {
            guard let value = Int(text), value >= 0 else { throw .invalidArguments("ofs") }
            offset = value
        }
        return Array(items.dropFirst(offset).prefix(Self.pageSize))
    }

    /// A `start` or `end` bound in ticks: a Unix time, or the time of the order (or trade) with that id.
    private func bound(_ form: KrakenSimulatorForm, _ name: String, orderTime: Bool) throws(KrakenSimulatorError) -> Int64? {
        guard let text = form[name], !text.isEmpty else { return nil }
        if let seconds = ExactDecimal.parse(text) {
            guard let ticks = Int64(exactly: NSDecimalNumber(decimal: (seconds * 10_000).rounded(.down, places: 0)).int64Value) else {
                throw .invalidArguments(name)
            }
            return ticks
        }
        if orderTime, let order = orders[text] { return KrakenSimulatorJSON.ticks(order.closeTime ?? order.openTime) }
        if !orderTime, let fill = fills.first(where: { $0.txid == text }) { return KrakenSimulatorJSON.ticks(fill.time) }
        throw .invalidArguments(name)
    }

    private static func costWithFee(volume: Decimal, price: Decimal, rate: Decimal, asset: String) -> Decimal {
        let places = decimals(ofAsset: asset)
        let cost = (volume * price).rounded(.plain, places: places)
        return cost + (cost * rate).rounded(.up, places: places)
    }

    private mutating func nextTradeID(pair index: Int) -> Int {
        let id = lastTradeIDs[pairs[index].name, default: 0] + 1
        lastTradeIDs[pairs[index].name] = id
        return id
    }

    private mutating func record(pair index: Int, price: Decimal, volume: Decimal) {
        pairs[index].lastPrice = price
        var figures = statistics[pairs[index].name] ?? MarketStatistics(price: price)
        figures.high = max(figures.high, price)
        figures.low = min(figures.low, price)
        figures.volume += volume
        figures.valueTraded += volume * price
        figures.tradeCount += 1
        figures.lastVolume = volume
        statistics[pairs[index].name] = figures
    }

    /// Books one trade of `order`: the account's trade, the order's executed volume, cost and fee, and the balances (a
    /// buy pays cost and fee in the quote asset and gets the base; a sell the reverse, the fee taken from the proceeds).
    private mutating func fill(order txid: String, volume: Decimal, price: Decimal, isMaker: Bool, marketTradeID: Int, time: Date) {
        guard var order = orders[txid], let pair = pairs.first(where: { $0.name == order.pair }) else { return }
        let places = Self.decimals(ofAsset: pair.quote)
        let cost = (volume * price).rounded(.plain, places: places)
        let fee = (cost * (isMaker ? Self.makerFeeRate : Self.takerFeeRate)).rounded(.up, places: places)
        switch order.side {
        case .buy:
            balances[pair.quote, default: 0] -= cost + fee
            balances[pair.base, default: 0] += volume
        case .sell:
            balances[pair.base, default: 0] -= volume
            balances[pair.quote, default: 0] += cost - fee
        }
        let fill = KrakenSimulatedFill(
            txid: Self.newID(prefix: "T"), orderTxid: txid, postxid: Self.newID(prefix: "T"), pair: pair.name, time: time,
            side: order.side, orderType: order.type, price: price, volume: volume, cost: cost, fee: fee, isMaker: isMaker,
            marketTradeID: marketTradeID)
        fills.append(fill)
        order.executedVolume += volume
        order.cost += cost
        order.fee += fee
        order.tradeIDs.append(fill.txid)
        if order.remainingVolume <= 0 {
            order.status = .closed
            order.closeTime = time
        }
        orders[txid] = order
    }
}
