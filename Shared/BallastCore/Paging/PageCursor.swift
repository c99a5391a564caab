import Foundation

/// Where a newest-first page of a listing ended: the last row's time, in microseconds since 1970 as PostgreSQL
/// stores it, and its id. Clients see it as `<µs>_<id>` (`nextCursor`) and pass it back unchanged (`cursor`); every
/// listing of the API (signals, orders, positions, fills) uses this one form.
public struct PageCursor: Sendable, Equatable {
    /// Times this API can have issued: 1970 to the end of year 9999. A later one would trap in PostgreSQL's binary
    /// encoding of the time.
    public static let microsecondRange: ClosedRange<Int64> = 0...253_402_300_799_999_999

    public var microseconds: Int64
    public var id: UUID

    public init(microseconds: Int64, id: UUID) {
        self.microseconds = microseconds
        self.id = id
    }

    /// The cursor of a row stored at `date`.
    public init(date: Date, id: UUID) {
        self.init(microseconds: Int64((date.timeIntervalSince1970 * 1_000_000).rounded()), id: id)
    }

    /// Parses `text`; nil when it is not a cursor this API issues.
    public init?(_ text: String) {
        let parts = text.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let digits = parts.first, let idText = parts.last,
            !digits.isEmpty, digits.utf8.allSatisfy({ (48...57).contains($0) }),
            let microseconds = Int64(digits), Self.microsecondRange.contains(microseconds), let id = UUID(uuidString: String(idText))
        else { return nil }
        self.init(microseconds: microseconds, id: id)
    }

    /// The row's time.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(microseconds) / 1_000_000) }

    public var text: String { "\(microseconds)_\(id.uuidString.lowercased())" }
}
