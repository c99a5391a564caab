import BallastCore
import BallastMarket
import BallastPortfolios
import BallastService
import BallastTrading
import Foundation

/// A portfolio's fields as `POST` and `PATCH /api/v1/portfolios` send them, read one at a time so that one 400 names
/// every bad field. JSON types are strict (a name sent as a number is refused); amounts and weights are a JSON number or
/// a decimal string, read exactly (never through binary floating point) to at most 8 decimals.
struct PortfolioInput {
    /// What a change may set: everything but the funding, which only a new portfolio gets.
    static let updateFields = [
        "name", "quoteCurrency", "targetWeights", "method", "interval", "cron", "timeZone", "driftThreshold", "thresholdRelative",
        "rebalanceTo", "minimumTradeValue", "maxOrders", "dryRun",
    ]
    static let createFields = updateFields + ["initialCash", "transferFromAccount", "useTradingAccount"]
    static let maxNameLength = 1_000

    var name: String?
    var quoteCurrency: String?
    var targetWeights: [String: FixedDecimal]?
    var method: RebalanceMethod?
    var interval: PortfolioSchedule.Interval?
    var cron: String?
    var timeZone: String?
    var driftThreshold: FixedDecimal?
    var thresholdRelative: Bool?
    var rebalanceTo: RebalanceTarget?
    var minimumTradeValue: FixedDecimal?
    /// Nil when not sent; `.some(nil)` when sent as `null` (no limit).
    var maxOrders: Int??
    var dryRun: Bool?
    var funding = PortfolioFunding.none
    private(set) var problems: [ProblemDetails.InvalidParameter] = []

    /// Reads `body`, a JSON object with some of `fields`; what is wrong is in `problems`.
    init(_ body: JSONValue, fields: [String]) {
        guard case .object = body else {
            report("body", "must be a JSON object")
            return
        }
        var unknown = BodyFields(body)
        unknown.reportUnknown(fields, of: "a portfolio")
        problems += unknown.problems
        name = text("name", in: body, maxLength: Self.maxNameLength)
        if let text = text("quoteCurrency", in: body, maxLength: 64) {
            if let currency = PaperAccountStore.currency(text) {
                quoteCurrency = currency
            } else {
                report("quoteCurrency", "'\(text.prefix(64))' is not a currency code (2 to 10 letters or digits)")
            }
        }
        targetWeights = weights(body["targetWeights"])
        method = choice("method", RebalanceMethod.self, in: body)
        interval = choice("interval", PortfolioSchedule.Interval.self, in: body)
        cron = text("cron", in: body, maxLength: 256)
        timeZone = text("timeZone", in: body, maxLength: 64)
        driftThreshold = decimal("driftThreshold", body["driftThreshold"])
        thresholdRelative = bool("thresholdRelative", in: body)
        rebalanceTo = choice("rebalanceTo", RebalanceTarget.self, in: body)
        minimumTradeValue = decimal("minimumTradeValue", body["minimumTradeValue"])
        switch body["maxOrders"] {
        case nil: break
        case .null?: maxOrders = .some(nil)
        case .number(let digits)? where Int(digits) != nil: maxOrders = Int(digits)
        default: report("maxOrders", "must be an integer (or null for no limit)")
        }
        dryRun = bool("dryRun", in: body)
        if fields.contains("initialCash") { readFunding(body) }
    }

    /// Whether a problem is recorded for `name` or for one of its members (`targetWeights.BTC`).
    func hasProblem(_ name: String) -> Bool { problems.contains { $0.name == name || $0.name.hasPrefix(name + ".") } }

    mutating func report(_ name: String, _ reason: String) { problems.append(.init(name: name, reason: reason)) }

    /// The schedule these fields give, starting from `current` (a change) or from the defaults (daily, UTC). A cron
    /// expression sent alone means interval `cron`; with a named interval it is refused rather than ignored.
    mutating func schedule(changing current: PortfolioSchedule?) -> PortfolioSchedule? {
        let interval = interval ?? (cron != nil ? .cron : current?.interval ?? .daily)
        if cron != nil, interval != .cron {
            report("cron", "is only for interval cron (interval is \(interval.rawValue))")
            return nil
        }
        let expression = cron ?? (interval == .cron && current?.interval == .cron ? current?.cron.description : nil)
        switch PortfolioSchedule.make(
            interval: interval, cron: expression, timeZone: timeZone ?? current?.timeZoneName ?? "UTC")
        {
        case .success(let schedule): return schedule
        case .failure(let problem):
            if !hasProblem(problem.field) { report(problem.field, problem.message) }
            return nil
        }
    }

    /// `settings` with every field that was sent changed.
    func applied(to settings: PortfolioSettings, schedule: PortfolioSchedule) -> PortfolioSettings {
        var changed = settings
        changed.schedule = schedule
        if let name { changed.name = name }
        if let targetWeights { changed.targetWeights = targetWeights }
        if let method { changed.method = method }
        if let driftThreshold { changed.driftThreshold = driftThreshold }
        if let thresholdRelative { changed.thresholdIsRelative = thresholdRelative }
        if let rebalanceTo { changed.rebalanceTo = rebalanceTo }
        if let minimumTradeValue { changed.minimumTradeValue = minimumTradeValue }
        if let maxOrders { changed.maxOrders = maxOrders }
        if let dryRun { changed.dryRun = dryRun }
        return changed
    }

    /// Records the problems of `settings` as a whole (weights, known assets, ranges) that are not already recorded
    /// for the same field.
    mutating func check(_ settings: PortfolioSettings, knownSymbols: Set<String>) {
        for problem in settings.problems(knownSymbols: knownSymbols) where !hasProblem(problem.field) {
            report(problem.field, problem.message)
        }
    }

    // MARK: Fields

    private mutating func readFunding(_ body: JSONValue) {
        guard body["initialCash"] == nil || body["transferFromAccount"] == nil else {
            report("transferFromAccount", "cannot be sent with initialCash: a portfolio is funded one way")
            return
        }
        switch body["useTradingAccount"] {
        case nil, .null?, .bool(false)?: break
        case .bool(true)?:
            guard body["initialCash"] == nil, body["transferFromAccount"] == nil else {
                report("useTradingAccount", "cannot be sent with initialCash or transferFromAccount: the account is funded already")
                return
            }
            funding = .tradingAccount
            return
        default: report("useTradingAccount", "must be true or false")
        }
        if let cash = amount("initialCash", body["initialCash"]) {
            funding = .initialCash(cash)
        } else if let transfer = amount("transferFromAccount", body["transferFromAccount"]) {
            funding = .transfer(transfer)
        }
    }

    private mutating func text(_ name: String, in body: JSONValue, maxLength: Int) -> String? {
        switch body[name] {
        case nil, .null?: return nil
        case .string(let string)?:
            if string.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                report(name, "must not contain control characters")
            } else if string.count > maxLength {
                report(name, "must be at most \(maxLength) characters")
            } else {
                return string.trimmingEdgeWhitespace()
            }
        default: report(name, "must be a string")
        }
        return nil
    }

    private mutating func bool(_ name: String, in body: JSONValue) -> Bool? {
        switch body[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default:
            report(name, "must be true or false")
            return nil
        }
    }

    private mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ name: String, _ type: Value.Type, in body: JSONValue
    ) -> Value? where Value.RawValue == String {
        guard let raw = text(name, in: body, maxLength: 64) else { return nil }
        if let value = Value(rawValue: raw) { return value }
        report(name, "'\(raw.prefix(40))' is not one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        return nil
    }

    /// A decimal with at most 8 places, any sign (the settings' checks say which are allowed).
    private mutating func decimal(_ name: String, _ value: JSONValue?) -> FixedDecimal? {
        let digits: String
        switch value {
        case nil, .null?: return nil
        case .number(let number)?: digits = number
        case .string(let string)?: digits = string.trimmingEdgeWhitespace()
        default:
            report(name, "must be a number or a decimal string")
            return nil
        }
        guard let exact = ExactDecimal.parse(digits) else {
            report(name, "'\(digits.prefix(40))' is not a decimal number")
            return nil
        }
        guard let fixed = FixedDecimal("\(exact)") else {
            report(name, "must have at most 8 decimal places and be below 92,233,720,368")
            return nil
        }
        return fixed
    }

    /// An amount of money above 0.
    private mutating func amount(_ name: String, _ value: JSONValue?) -> FixedDecimal? {
        guard let amount = decimal(name, value) else { return nil }
        guard amount.isPositive else {
            report(name, "must be greater than 0, got \(amount)")
            return nil
        }
        return amount
    }

    /// `{"BTC": "60", "ETH": 40}`: asset names upper-cased, weights exact.
    private mutating func weights(_ value: JSONValue?) -> [String: FixedDecimal]? {
        switch value {
        case nil, .null?: return nil
        case .object(let members)?:
            var weights: [String: FixedDecimal] = [:]
            var valid = true
            for (key, weightValue) in members {
                guard let asset = PaperAccountStore.currency(key) else {
                    report("targetWeights", "'\(key.prefix(40))' is not an asset name (2 to 10 letters or digits)")
                    valid = false
                    continue
                }
                guard weights[asset] == nil else {
                    report("targetWeights.\(asset)", "is given more than once")
                    valid = false
                    continue
                }
                guard let weight = decimal("targetWeights.\(asset)", weightValue) else {
                    valid = false
                    continue
                }
                weights[asset] = weight
            }
            return valid ? weights : nil
        default:
            report("targetWeights", "must be an object of asset to weight in percent, e.g. {\"BTC\": \"60\", \"ETH\": \"40\"}")
            return nil
        }
    }
}
