import Foundation

/// Whole seconds and milliseconds since 1970-01-01T00:00Z, as trades, candles and cron searches count
/// time: the one place where they meet `Date`'s binary-fraction `TimeInterval`.
extension Date {
    public init(epochSeconds: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(epochSeconds))
    }

    public init(epochMilliseconds: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(epochMilliseconds) / 1000)
    }

    /// Milliseconds since 1970, to the nearest: a date made from milliseconds (or parsed from
    /// `...00.123Z`) gives back exactly those, whatever its binary fraction.
    public var epochMilliseconds: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded())
    }

    /// Whole seconds since 1970, rounded down.
    public var epochSeconds: Int64 {
        Int64(timeIntervalSince1970.rounded(.down))
    }
}
