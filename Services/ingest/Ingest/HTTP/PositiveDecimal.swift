import BallastCore
import BallastService
import Foundation

/// An amount in a request body (a webhook signal, risk limits): a JSON number or a string holding one, parsed
/// exactly (never through a binary floating-point value), above 0.
enum PositiveDecimal {
    /// The amount in `value`, or nil with the problem recorded under `name`.
    static func read(_ value: JSONValue?, name: String, problems: inout [ProblemDetails.InvalidParameter]) -> Decimal? {
        let digits: String
        switch value {
        case .number(let number)?: digits = number
        case .string(let string)?: digits = string.trimmingEdgeWhitespace()
        default:
            problems.append(.init(name: name, reason: "must be a number"))
            return nil
        }
        guard let number = ExactDecimal.parse(digits) else {
            problems.append(.init(name: name, reason: "'\(digits.prefix(40))' is not a decimal number"))
            return nil
        }
        guard number > 0 else {
            problems.append(.init(name: name, reason: "must be greater than 0"))
            return nil
        }
        return number
    }
}
