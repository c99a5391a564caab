import BallastCore
import Foundation

/// A European, cash-settled option on a crypto underlying such as `BTC-USD`.
///
/// Its symbol is `<underlying>-<yyyyMMdd>-<strike>-<C|P>`, e.g. `BTC-USD-20261211-50000-C`: the expiry's UTC date
/// (options expire at 08:00 UTC, so the date alone names the expiry) and the strike in plain decimal notation.
public struct OptionContract: Sendable, Hashable {
    public var underlying: String
    /// 08:00 UTC on the expiry date for every contract a chain lists or a symbol names.
    public var expiry: Date
    public var strike: Decimal
    public var kind: OptionKind

    public init(underlying: String, expiry: Date, strike: Decimal, kind: OptionKind) {
        self.underlying = underlying
        self.expiry = expiry
        self.strike = strike
        self.kind = kind
    }

    /// `BTC-USD-20261211-50000-C`: the expiry's UTC date (its time, 08:00 UTC, is implied) and the strike in plain
    /// decimal notation, never with an exponent.
    public var symbol: String {
        let date = ExpiryCalendar.compactText(ofDay: ExpiryCalendar.day(of: expiry))
        return "\(underlying)-\(date)-\(strike.plainText)-\(kind == .call ? "C" : "P")"
    }

    /// Reads a symbol from the right, since the underlying may contain dashes. Each contract has exactly one
    /// symbol, so anything but the form `symbol` writes is refused: a strike with an exponent, a sign, leading or
    /// trailing zeros, zero itself, a lowercase `c`/`p`, an impossible date, and an underlying other than letters and
    /// digits in dash-separated parts (at most 32 characters). The expiry is 08:00 UTC on the date.
    public init?(symbol: String) {
        guard symbol.utf8.count <= 80 else { return nil }
        var parts = symbol.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4 else { return nil }
        let kind: OptionKind
        switch parts.removeLast() {
        case "C": kind = .call
        case "P": kind = .put
        default: return nil
        }
        let strikeText = parts.removeLast()
        guard let strike = ExactDecimal.parse(String(strikeText)), strike > 0, strike.plainText == strikeText,
            let day = ExpiryCalendar.day(compact: parts.removeLast()),
            parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(Self.isUnderlyingCharacter) })
        else { return nil }
        let underlying = parts.joined(separator: "-")
        guard underlying.utf8.count <= 32 else { return nil }
        self.init(underlying: underlying, expiry: ExpiryCalendar.expiry(onDay: day), strike: strike, kind: kind)
    }

    /// What exercising would pay per unit of underlying at `underlyingPrice`, exactly: never below zero.
    public func intrinsicValue(at underlyingPrice: Decimal) -> Decimal {
        let value = kind == .call ? underlyingPrice - strike : strike - underlyingPrice
        return max(value, 0)
    }

    private static func isUnderlyingCharacter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
