import Foundation

/// One page of a newest-first listing, and where the next one starts (nil on the last page).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var next: PageCursor?

    public init(items: [Item], next: PageCursor?) {
        self.items = items
        self.next = next
    }

    /// The first `limit` of `rows` (read with one extra row to tell whether more follow).
    public init(_ rows: [(Item, PageCursor)], limit: Int) {
        let page = rows.prefix(limit)
        items = page.map(\.0)
        next = rows.count > limit ? page.last?.1 : nil
    }
}
