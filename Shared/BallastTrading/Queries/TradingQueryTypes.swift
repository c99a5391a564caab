import Foundation

/// Where a newest-first page ended: the last row's time (µs since 1970, as stored) and id. Clients see it as
/// `<µs>_<id>`, the form of the signals' cursor, and pass it back unchanged.
public struct TradingCursor: Sendable, Equatable {
    /// Cursors beyond the year 9999 are not ones this API issued.
    static let maximumMicroseconds: Int64 = 253_402_300_799_999_999

    public var microseconds: Int64
    public var id: UUID

    public init(microseconds: Int64, id: UUID) {
        self.microseconds = microseconds
        self.id = id
    }

    /// Parses `text`; nil when it is not a cursor this API issues.
    public init?(_ text: String) {
        let parts = text.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.allSatisfy({ (48...57).contains($0) }),
            let microseconds = Int64(parts[0]), microseconds <= Self.maximumMicroseconds,
            let id = UUID(uuidString: String(parts[1]))
        else { return nil }
        self.init(microseconds: microseconds, id: id)
    }

    public var text: String { "\(microseconds)_\(id.uuidString.lowercased())" }
}

/// One page of a listing, and where the next one starts (nil on the last page).
public struct TradingPage<Item: Sendable>: Sendable {
    public var items: [Item]
    public var next: TradingCursor?

    public init(items: [Item], next: TradingCursor?) {
        self.items = items
        self.next = next
    }

    /// The first `limit` of `rows` (read with one extra row to tell whether more follow).
    init(_ rows: [(Item, TradingCursor)], limit: Int) {
        let page = rows.prefix(limit)
        items = page.map(\.0)
        next = rows.count > limit ? page.last?.1 : nil
    }
}
