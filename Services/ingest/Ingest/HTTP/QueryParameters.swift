import BallastCore
import BallastMarket
import BallastService
import Foundation

/// A query string, read one parameter at a time (`GET /api/v1/signals`, the trading lists, klines): each reader
/// returns the value or nil and records what is wrong under the parameter's name, so that one 400 names every bad
/// parameter.
struct QueryParameters {
    let parameters: [String: String]
    private(set) var problems: [ProblemDetails.InvalidParameter] = []

    init(_ parameters: [String: String]) { self.parameters = parameters }

    mutating func report(_ name: String, _ reason: String) { problems.append(.init(name: name, reason: reason)) }

    /// A market symbol (`MarketSymbol`), upper-cased; nil when absent or empty, or when `required` and absent (reported).
    mutating func symbol(_ name: String = "symbol", required: Bool = false) -> String? {
        guard let text = parameters[name], !text.isEmpty else {
            if required { report(name, "is required") }
            return nil
        }
        guard let symbol = MarketSymbol.normalized(text) else {
            report(name, "is not a symbol")
            return nil
        }
        return symbol
    }

    /// `limit`: an integer in `range`, `default` when absent.
    mutating func limit(_ range: ClosedRange<Int>, default defaultLimit: Int) -> Int {
        guard let text = parameters["limit"] else { return defaultLimit }
        guard let value = Int(text), range.contains(value), text.utf8.allSatisfy({ (48...57).contains($0) }) else {
            report("limit", "expected an integer in \(range.lowerBound)...\(range.upperBound)")
            return defaultLimit
        }
        return value
    }

    /// `cursor`, the `nextCursor` of a previous page.
    mutating func cursor() -> PageCursor? {
        guard let text = parameters["cursor"] else { return nil }
        guard let cursor = PageCursor(text) else {
            report("cursor", "is not a cursor this API issued")
            return nil
        }
        return cursor
    }

    mutating func uuid(_ name: String) -> UUID? {
        guard let text = parameters[name] else { return nil }
        guard let id = UUID(uuidString: text) else {
            report(name, "is not a UUID")
            return nil
        }
        return id
    }

    /// An RFC 3339 timestamp.
    mutating func date(_ name: String) -> Date? {
        guard let text = parameters[name] else { return nil }
        guard let date = RFC3339.date(from: text) else {
            report(name, "expected an RFC 3339 timestamp")
            return nil
        }
        return date
    }

    /// Epoch milliseconds, a non-negative integer.
    mutating func epochMilliseconds(_ name: String) -> Int64? {
        guard let text = parameters[name] else { return nil }
        guard let milliseconds = Int64(text), milliseconds >= 0 else {
            report(name, "expected epoch milliseconds, a non-negative integer")
            return nil
        }
        return milliseconds
    }

    /// The value of `name` among `allowed`; nil when absent, or when `required` and absent (reported).
    mutating func choice(_ name: String, _ allowed: [String], required: Bool = false) -> String? {
        guard let text = parameters[name] else {
            if required { report(name, "is required") }
            return nil
        }
        guard allowed.contains(text) else {
            report(name, "expected one of \(allowed.joined(separator: ", "))")
            return nil
        }
        return text
    }

    /// The 400 naming every bad parameter, when there is one.
    func check() throws(ProblemDetails) {
        guard problems.isEmpty else {
            throw ProblemDetails(status: .badRequest, detail: "the query has invalid parameters", invalidParams: problems)
        }
    }
}
