import BallastCore
import BallastService
import BallastTrading
import Foundation

/// Turns a `PUT /api/v1/risk-limits` body into `RiskLimits`, collecting every bad field rather than stopping
/// at the first (like `SignalParser`). The body replaces all the limits: a limit that is absent or null is
/// off. Counts are JSON integers; amounts are JSON numbers or decimal strings, parsed exactly; every limit
/// set must be greater than 0.
enum RiskLimitsParser {
    static let maximumSessions = 50
    static let maximumCount = Int(Int32.max)

    static let countFields = ["maxOpenPositions", "maxOpenPositionsPerSymbol"]
    static let amountFields = [
        "maxOrderNotional", "maxPositionPercentOfEquity", "maxTotalExposure", "minOrderNotional", "defaultOrderNotional",
        "maxOptionPremium", "maxOptionContracts",
    ]
    static let fields = countFields + amountFields + ["tradingSessions"]
    static let sessionFields = ["exchange", "timeZone", "days", "open", "close"]

    static func parse(_ body: JSONValue) throws(ProblemDetails) -> RiskLimits {
        guard case .object(let members) = body else {
            throw BodyFields.failure([.init(name: "body", reason: "must be a JSON object")])
        }
        var fields = BodyFields(body)
        var seen: Set<String> = []
        for key in members.map(\.key) where !Self.fields.contains(key) && seen.insert(key).inserted {
            fields.report(String(key.prefix(64)), "is not a risk limit; expected \(Self.fields.joined(separator: ", "))")
        }
        func count(_ name: String) -> Int? {
            guard let value = body[name], value != .null else { return nil }
            guard case .number(let text) = value, let first = text.utf8.first,
                text.utf8.dropFirst(first == UInt8(ascii: "-") ? 1 : 0).allSatisfy({ (48...57).contains($0) })
            else {
                fields.report(name, "must be a whole number")
                return nil
            }
            if first == UInt8(ascii: "-") || text.utf8.allSatisfy({ $0 == UInt8(ascii: "0") }) {
                fields.report(name, "must be greater than 0")
                return nil
            }
            guard let number = Int(text), number <= maximumCount else {
                fields.report(name, "must be at most \(maximumCount)")
                return nil
            }
            return number
        }

        let maxOpenPositions = count("maxOpenPositions")
        let maxOpenPositionsPerSymbol = count("maxOpenPositionsPerSymbol")
        let maxOrderNotional = fields.positiveDecimal("maxOrderNotional")
        let maxPositionPercentOfEquity = fields.positiveDecimal("maxPositionPercentOfEquity")
        let maxTotalExposure = fields.positiveDecimal("maxTotalExposure")
        let minOrderNotional = fields.positiveDecimal("minOrderNotional")
        if let minOrderNotional, let maxOrderNotional, minOrderNotional > maxOrderNotional {
            fields.report("minOrderNotional", "is above maxOrderNotional")
        }
        // The default size must be one the limits let through, or every signal without a quantity would be refused.
        let defaultOrderNotional = fields.positiveDecimal("defaultOrderNotional")
        if let defaultOrderNotional, let maxOrderNotional, defaultOrderNotional > maxOrderNotional {
            fields.report("defaultOrderNotional", "is above maxOrderNotional")
        } else if let defaultOrderNotional, let minOrderNotional, defaultOrderNotional < minOrderNotional {
            fields.report("defaultOrderNotional", "is below minOrderNotional")
        }
        let maxOptionPremium = fields.positiveDecimal("maxOptionPremium")
        let maxOptionContracts = fields.positiveDecimal("maxOptionContracts")
        var sessionProblems: [ProblemDetails.InvalidParameter] = []
        let tradingSessions = sessions(body["tradingSessions"], problems: &sessionProblems)
        fields.report(sessionProblems)
        let limits = RiskLimits(
            maxOpenPositions: maxOpenPositions, maxOpenPositionsPerSymbol: maxOpenPositionsPerSymbol, maxOrderNotional: maxOrderNotional,
            maxPositionPercentOfEquity: maxPositionPercentOfEquity, maxTotalExposure: maxTotalExposure, minOrderNotional: minOrderNotional,
            defaultOrderNotional: defaultOrderNotional, tradingSessions: tradingSessions, maxOptionPremium: maxOptionPremium,
            maxOptionContracts: maxOptionContracts
        )
        guard fields.problems.isEmpty else { throw fields.failure }
        return limits
    }

    /// `tradingSessions`: an array of `{"exchange", "timeZone", "days", "open", "close"}`, each checked with
    /// `TradingSession.problem`; a bad one is reported as `tradingSessions[i]` or `tradingSessions[i].<field>`.
    private static func sessions(_ value: JSONValue?, problems: inout [ProblemDetails.InvalidParameter]) -> [TradingSession] {
        guard let value, value != .null else { return [] }
        guard case .array(let items) = value else {
            problems.append(.init(name: "tradingSessions", reason: "must be an array of sessions"))
            return []
        }
        guard items.count <= maximumSessions else {
            problems.append(.init(name: "tradingSessions", reason: "must have at most \(maximumSessions) sessions"))
            return []
        }
        var sessions: [TradingSession] = []
        for (index, item) in items.enumerated() {
            if let session = session(item, name: "tradingSessions[\(index)]", problems: &problems) { sessions.append(session) }
        }
        return sessions
    }

    private static func session(
        _ value: JSONValue, name: String, problems: inout [ProblemDetails.InvalidParameter]
    ) -> TradingSession? {
        guard case .object(let members) = value else {
            problems.append(.init(name: name, reason: "must be an object with \(sessionFields.joined(separator: ", "))"))
            return nil
        }
        let before = problems.count
        var seen: Set<String> = []
        for key in members.map(\.key) where !sessionFields.contains(key) && seen.insert(key).inserted {
            problems.append(.init(name: "\(name).\(key.prefix(64))", reason: "is not a session field"))
        }
        func text(_ field: String, allowed: (UInt8) -> Bool, maxLength: Int, expected: String) -> String {
            switch value[field] {
            case nil, .null?: problems.append(.init(name: "\(name).\(field)", reason: "is required"))
            case .string(let string)? where !string.isEmpty && string.utf8.count <= maxLength && string.utf8.allSatisfy(allowed):
                return string
            default: problems.append(.init(name: "\(name).\(field)", reason: expected))
            }
            return ""
        }
        func isSymbolByte(_ byte: UInt8) -> Bool {
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || "._/!-".utf8.contains(byte)
        }
        let exchange = text(
            "exchange", allowed: isSymbolByte, maxLength: 32, expected: "must be 1 to 32 letters, digits, '.', '_', '/', '!' or '-'")
        let timeZone = text(
            "timeZone", allowed: { (isSymbolByte($0) && !"!.".utf8.contains($0)) || $0 == UInt8(ascii: "+") }, maxLength: 64,
            expected: "must be a time zone name such as America/New_York")
        let clock: (UInt8) -> Bool = { (48...58).contains($0) }
        let open = text("open", allowed: clock, maxLength: 5, expected: "must be HH:MM")
        let close = text("close", allowed: clock, maxLength: 5, expected: "must be HH:MM")
        var days: [Int] = []
        switch value["days"] {
        case nil, .null?: problems.append(.init(name: "\(name).days", reason: "is required"))
        case .array(let items)? where items.count <= 7:
            for item in items {
                guard case .number(let text) = item, text.utf8.count == 1, let day = Int(text) else {
                    problems.append(.init(name: "\(name).days", reason: "must be ISO weekdays 1 (Monday) to 7 (Sunday)"))
                    break
                }
                days.append(day)
            }
        default:
            problems.append(.init(name: "\(name).days", reason: "must be an array of at most 7 ISO weekdays, 1 (Monday) to 7 (Sunday)"))
        }
        guard problems.count == before else { return nil }
        let session = TradingSession(exchange: exchange, timeZone: timeZone, days: days, open: open, close: close)
        if let problem = session.problem {
            problems.append(.init(name: name, reason: problem))
            return nil
        }
        return session
    }
}
