import BallastCore
import Foundation

/// The simulated Kraken's answers in Kraken's shapes: the `{"error":[],"result":{...}}` envelope, amounts as strings
/// with the fixed decimals Kraken gives them, times as Unix seconds with four decimals.
enum KrakenSimulatorJSON {
    static func success(_ result: JSONValue) -> String {
        JSONValue.object([("error", .array([])), ("result", result)]).serialized
    }

    /// Kraken's error envelope, as its error documentation shows it.
    static func failure(_ error: KrakenSimulatorError) -> String {
        JSONValue.object([("error", .array([.string(error.code)])), ("result", .object([]))]).serialized
    }

    /// `value` with exactly `places` decimals (`60000.0`, `0.01000000`), rounded half up.
    static func fixed(_ value: Decimal, _ places: Int) -> String {
        let rounded = value.rounded(.plain, places: places)
        var text = "\(rounded)"
        if rounded.isZero { text = "0" }
        guard places > 0 else { return text }
        let parts = text.split(separator: ".", maxSplits: 1)
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        return String(parts[0]) + "." + fraction + String(repeating: "0", count: max(0, places - fraction.count))
    }

    static func amount(_ value: Decimal, _ places: Int) -> JSONValue { .string(fixed(value, places)) }

    /// Unix seconds with four decimals, a JSON number as Kraken sends `opentm`, `closetm` and `time`.
    static func time(_ date: Date) -> JSONValue { .number(fixed(Decimal(ticks(date)) / 10_000, 4)) }

    /// `date` in ten-thousandths of a second since 1970, the precision of Kraken's times; the simulator makes its
    /// dates on this grid, so a time read back from an answer is the same date.
    static func ticks(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 10_000).rounded()) }

    static func date(ticks: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(ticks) / 10_000) }

    static func integer(_ value: Int) -> JSONValue { .number(String(value)) }

    static func assetPair(_ pair: KrakenSimulatedPair) -> JSONValue {
        // Kraken's fee schedule: 30-day volume in USD, then the percentage; the simulator charges the first step.
        let fees: JSONValue = .array([("0", "0.40"), ("10000", "0.35"), ("50000", "0.24")].map { .array([.number($0), .number($1)]) })
        let makerFees: JSONValue = .array(
            [("0", "0.25"), ("10000", "0.20"), ("50000", "0.14")].map { .array([.number($0), .number($1)]) })
        return .object([
            ("altname", .string(pair.altname)),
            ("wsname", .string(pair.wsname)),
            ("aclass_base", .string("currency")),
            ("base", .string(pair.base)),
            ("aclass_quote", .string("currency")),
            ("quote", .string(pair.quote)),
            ("lot", .string("unit")),
            ("cost_decimals", integer(pair.costDecimals)),
            ("pair_decimals", integer(pair.pairDecimals)),
            ("lot_decimals", integer(pair.lotDecimals)),
            ("lot_multiplier", integer(1)),
            ("leverage_buy", .array([])),
            ("leverage_sell", .array([])),
            ("fees", fees),
            ("fees_maker", makerFees),
            ("fee_volume_currency", .string("ZUSD")),
            ("margin_call", integer(80)),
            ("margin_stop", integer(40)),
            ("ordermin", .string("\(pair.orderMinimum)")),
            ("costmin", .string("\(pair.costMinimum)")),
            ("tick_size", .string("\(Decimal(sign: .plus, exponent: -pair.pairDecimals, significand: 1))")),
            ("status", .string("online")),
        ])
    }

    static func order(_ order: KrakenSimulatedOrder, pair: KrakenSimulatedPair, includeTrades: Bool) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("refid", .null),
            ("userref", integer(order.userref ?? 0)),
        ]
        if let clientOrderID = order.clientOrderID { members.append(("cl_ord_id", .string(clientOrderID))) }
        members += [
            ("status", .string(order.status.rawValue)),
            ("reason", order.reason.map { .string($0) } ?? .null),
            ("opentm", time(order.openTime)),
        ]
        if let closeTime = order.closeTime { members.append(("closetm", time(closeTime))) }
        members += [
            ("starttm", integer(0)),
            ("expiretm", integer(0)),
            ("descr", description(of: order, pair: pair)),
            ("vol", amount(order.volume, pair.lotDecimals)),
            ("vol_exec", amount(order.executedVolume, pair.lotDecimals)),
            ("cost", amount(order.cost, pair.costDecimals)),
            ("fee", amount(order.fee, pair.costDecimals)),
            ("price", amount(order.averagePrice, pair.pairDecimals)),
            ("stopprice", amount(0, pair.pairDecimals)),
            ("limitprice", amount(0, pair.pairDecimals)),
            ("misc", .string("")),
            ("oflags", .string("fciq")),
        ]
        if includeTrades, !order.tradeIDs.isEmpty { members.append(("trades", .array(order.tradeIDs.map { .string($0) }))) }
        return .object(members)
    }

    /// The `descr` object: the order as Kraken read it, with its one-line summary
    /// (`buy 1.25000000 XBTUSD @ limit 27500.0`).
    static func description(of order: KrakenSimulatedOrder, pair: KrakenSimulatedPair) -> JSONValue {
        .object([
            ("pair", .string(pair.altname)),
            ("type", .string(order.side.rawValue)),
            ("ordertype", .string(order.type.rawValue)),
            ("price", .string(order.limitPrice.map { fixed($0, pair.pairDecimals) } ?? "0")),
            ("price2", .string("0")),
            ("leverage", .string("none")),
            ("order", .string(summary(of: order, pair: pair))),
            ("close", .string("")),
        ])
    }

    static func summary(of order: KrakenSimulatedOrder, pair: KrakenSimulatedPair) -> String {
        let head = "\(order.side.rawValue) \(fixed(order.volume, pair.lotDecimals)) \(pair.altname) @ "
        guard let limitPrice = order.limitPrice else { return head + "market" }
        return head + "limit \(fixed(limitPrice, pair.pairDecimals))"
    }

    static func fill(_ fill: KrakenSimulatedFill, pair: KrakenSimulatedPair) -> JSONValue {
        .object([
            ("ordertxid", .string(fill.orderTxid)),
            ("postxid", .string(fill.postxid)),
            ("pair", .string(fill.pair)),
            ("aclass", .string("forex")),
            ("time", time(fill.time)),
            ("type", .string(fill.side.rawValue)),
            ("ordertype", .string(fill.orderType.rawValue)),
            ("price", amount(fill.price, pair.pairDecimals)),
            ("cost", amount(fill.cost, pair.costDecimals)),
            ("fee", amount(fill.fee, pair.costDecimals)),
            ("vol", amount(fill.volume, pair.lotDecimals)),
            ("margin", amount(0, pair.costDecimals)),
            ("leverage", .string("0")),
            ("misc", .string("")),
            ("trade_id", integer(fill.marketTradeID)),
            ("maker", .bool(fill.isMaker)),
        ])
    }
}
