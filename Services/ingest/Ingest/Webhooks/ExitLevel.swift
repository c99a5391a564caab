import BallastCore
import BallastService
import Foundation

/// A stop loss or take profit as a webhook gives it: a price (a number, as always), or an object in the
/// TradersPost bridge format: `{"price": 61000}`, `{"percent": 5}` or `{"amount": 250}` away from the entry
/// price, and for a stop loss `{"type": "stop", "stopPrice": …}` or `{"type": "trailing_stop", "trailPercent": 5}`.
///
/// Paper exits fill at the market once their level is reached, so a `stop_limit` stop (which could stay
/// unfilled past its limit) and a trailing stop by amount cannot be honoured: they are refused, naming the
/// field, rather than traded as something else.
enum ExitLevel: Equatable {
    case price(Decimal)
    case percent(Decimal)
    case amount(Decimal)
    case trailingPercent(Decimal)

    enum Kind {
        case stopLoss, takeProfit

        var field: String { self == .stopLoss ? "stopLoss" : "takeProfit" }
        /// The keys that give the level, by the kind of level each one gives.
        var priceKeys: [String] { self == .stopLoss ? ["price", "stopPrice"] : ["price", "limitPrice"] }
    }

    /// The level in `value`, or nil with the problems recorded.
    static func parse(_ value: JSONValue, kind: Kind, problems: inout [ProblemDetails.InvalidParameter]) -> ExitLevel? {
        let field = kind.field
        guard case .object(let members) = value else {
            guard let price = PositiveDecimal.read(value, name: field, problems: &problems) else { return nil }
            return .price(price)
        }
        let stopTypes = ["stop", "stop_limit", "trailing_stop"]
        var known = Set(["percent", "amount"] + kind.priceKeys)
        var type = "stop"
        if kind == .stopLoss {
            known.formUnion(["type", "trailPercent", "trailAmount", "limitPrice"])
            if let typeValue = value["type"], typeValue != .null {
                guard case .string(let text) = typeValue, stopTypes.contains(text.lowercased()) else {
                    problems.append(.init(name: "\(field).type", reason: "must be stop or trailing_stop"))
                    return nil
                }
                type = text.lowercased()
            }
        }
        let unknown = members.map(\.key).filter { !known.contains($0) }
        if let key = unknown.first {
            problems.append(.init(name: "\(field).\(key.prefix(64))", reason: "is not a field of \(field)"))
            return nil
        }
        func present(_ key: String) -> Bool { value[key].map { $0 != .null } ?? false }
        switch type {
        case "stop_limit":
            problems.append(
                .init(
                    name: "\(field).type",
                    reason: "stop_limit is not supported: a paper stop fills at the market once reached; send stop or trailing_stop"))
            return nil
        case "trailing_stop":
            if present("trailAmount") {
                problems.append(.init(name: "\(field).trailAmount", reason: "is not supported: send trailPercent"))
                return nil
            }
            let key = present("trailPercent") ? "trailPercent" : "percent"
            // A trailing stop trails by its percent alone: a price, an amount or a second percent beside it
            // would be dropped without a word.
            if let other = (["percent", "amount", "limitPrice"] + kind.priceKeys).first(where: { $0 != key && present($0) }) {
                problems.append(
                    .init(name: "\(field).\(other)", reason: "is not accepted with a trailing_stop, which trails by \(key) alone"))
                return nil
            }
            guard let percent = percentage(value[key], name: "\(field).\(key)", problems: &problems) else {
                if !present(key) { problems.append(.init(name: "\(field).trailPercent", reason: "is required for a trailing_stop")) }
                return nil
            }
            return .trailingPercent(percent)
        default:
            if let trail = ["trailPercent", "trailAmount"].first(where: present) {
                problems.append(.init(name: "\(field).\(trail)", reason: "is accepted only with type trailing_stop"))
                return nil
            }
            if present("limitPrice") && kind == .stopLoss {
                problems.append(.init(name: "\(field).limitPrice", reason: "is accepted only with type stop_limit, which is not supported"))
                return nil
            }
            let given = (["percent", "amount"] + kind.priceKeys).filter(present)
            guard given.count == 1, let key = given.first else {
                let keys = (["percent", "amount"] + kind.priceKeys).joined(separator: ", ")
                problems.append(.init(name: field, reason: "give exactly one of \(keys)"))
                return nil
            }
            let name = "\(field).\(key)"
            switch key {
            case "percent":
                let limit: Decimal? = kind == .stopLoss ? 100 : nil
                return percentage(value[key], name: name, below: limit, problems: &problems).map(ExitLevel.percent)
            case "amount": return PositiveDecimal.read(value[key], name: name, problems: &problems).map(ExitLevel.amount)
            default: return PositiveDecimal.read(value[key], name: name, problems: &problems).map(ExitLevel.price)
            }
        }
    }

    private static func percentage(
        _ value: JSONValue?, name: String, below limit: Decimal? = 100, problems: inout [ProblemDetails.InvalidParameter]
    ) -> Decimal? {
        guard let value, value != .null, let percent = PositiveDecimal.read(value, name: name, problems: &problems) else { return nil }
        if let limit, percent >= limit {
            problems.append(.init(name: name, reason: "must be less than \(limit)"))
            return nil
        }
        return percent
    }
}

extension ExitLevel {
    /// The level when it is a price.
    var fixedPrice: Decimal? { if case .price(let value) = self { value } else { nil } }
    /// The level when it is a percentage of the entry price.
    var percentOfEntry: Decimal? { if case .percent(let value) = self { value } else { nil } }
    /// The level when it is an amount of the quote currency away from the entry price.
    var amountFromEntry: Decimal? { if case .amount(let value) = self { value } else { nil } }
}
