import BallastCore
import BallastService
import Foundation

/// Filters and page of `GET /api/v1/signals`, newest first.
public struct SignalQuery: Sendable, Equatable {
    public var sourceID: UUID?
    public var symbol: String?
    public var from: Date?
    public var to: Date?
    public var limit: Int = 100
    /// Continue after this (received at, id); from a previous page's `nextCursor`.
    public var after: PageCursor?

    public init() {}

    /// Parses the query string, reporting every bad parameter.
    public init(parameters: [String: String]) throws(ProblemDetails) {
        var reader = QueryParameters(parameters)
        sourceID = reader.uuid("sourceId")
        symbol = reader.symbol()
        from = reader.date("from")
        to = reader.date("to")
        limit = reader.limit(1...500, default: 100)
        after = reader.cursor()
        if let from, let to, from > to { reader.report("from", "is after 'to'") }
        try reader.check()
    }
}
