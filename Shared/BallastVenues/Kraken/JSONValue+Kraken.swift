import BallastCore
import Foundation

/// Reads of Kraken's answers that never go through floating point: Kraken sends amounts as strings (`"0.12500000"`)
/// and times and a few settings as JSON numbers (`1688667796.8802`); both are parsed from their exact text.
extension JSONValue {
    var krakenText: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// A decimal from a string or a number; nil for anything else or text that is not a plain decimal.
    var krakenDecimal: Decimal? {
        switch self {
        case .string(let text), .number(let text): ExactDecimal.parse(text)
        default: nil
        }
    }

    /// An integer from a number or a string of digits (`pair_decimals` is a number, `count` too).
    var krakenInteger: Int? {
        switch self {
        case .number(let text), .string(let text): Int(text)
        default: nil
        }
    }

    var krakenBool: Bool? {
        switch self {
        case .bool(let value): value
        case .string("true"): true
        case .string("false"): false
        default: nil
        }
    }

    /// The members of an object, in the order Kraken sent them; empty for anything else.
    var krakenMembers: [(key: String, value: JSONValue)] {
        if case .object(let members) = self { return members }
        return []
    }

    var krakenArray: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    /// A time Kraken sends as fractional seconds since 1970 (`1688667796.8802`), read from the digits: the whole seconds
    /// and the fraction are taken apart as decimals, so the date is exact to the microsecond.
    var krakenDate: Date? {
        guard let seconds = krakenDecimal, seconds >= 0, seconds < 100_000_000_000 else { return nil }
        let whole = seconds.rounded(.down, places: 0)
        let micros = ((seconds - whole) * 1_000_000).rounded(.plain, places: 0)
        guard let wholeSeconds = Int64(whole.description), let fraction = Int64(micros.description) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(wholeSeconds) + TimeInterval(fraction) / 1_000_000)
    }
}
