import BallastCore
import Foundation

/// An exact decimal from its text, as money is written in the tests: `Decimal(string:)`, never a `Double` literal,
/// which would carry binary noise into the last places.
func decimal(_ text: String) -> Decimal {
    guard let value = Decimal(string: text) else { preconditionFailure("bad test decimal \(text)") }
    return value
}

/// A fixed instant from RFC 3339 text, through BallastCore's parser.
func instant(_ text: String) -> Date {
    guard let date = RFC3339.date(from: text) else { preconditionFailure("bad test instant \(text)") }
    return date
}
