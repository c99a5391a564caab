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
    public var after: SignalCursor?

    public init() {}

    /// Parses the query string, reporting every bad parameter.
    public init(parameters: [String: String]) throws(ProblemDetails) {
        var problems: [ProblemDetails.InvalidParameter] = []
        if let text = parameters["sourceId"] {
            if let id = UUID(uuidString: text) { sourceID = id } else { problems.append(.init(name: "sourceId", reason: "is not a UUID")) }
        }
        if let text = parameters["symbol"], !text.isEmpty {
            if text.count <= 64, text.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "\u{0}" }) {
                symbol = text.uppercased()
            } else {
                problems.append(.init(name: "symbol", reason: "is not a symbol"))
            }
        }
        for name in ["from", "to"] {
            guard let text = parameters[name] else { continue }
            guard let date = RFC3339.date(from: text) else {
                problems.append(.init(name: name, reason: "expected an RFC 3339 timestamp"))
                continue
            }
            if name == "from" { from = date } else { to = date }
        }
        if let text = parameters["limit"] {
            if let value = Int(text), (1...500).contains(value) {
                limit = value
            } else {
                problems.append(.init(name: "limit", reason: "expected an integer in 1...500"))
            }
        }
        if let text = parameters["cursor"] {
            if let cursor = SignalCursor(text) {
                after = cursor
            } else {
                problems.append(.init(name: "cursor", reason: "is not a cursor this API issued"))
            }
        }
        if let from, let to, from > to { problems.append(.init(name: "from", reason: "is after 'to'")) }
        guard problems.isEmpty else {
            throw ProblemDetails(status: .badRequest, detail: "the query has invalid parameters", invalidParams: problems)
        }
    }
}

/// Opaque to clients: `<received at, µs since 1970>_<signal id>`.
public struct SignalCursor: Sendable, Equatable {
    public var receivedAt: Date
    public var id: UUID

    public init(receivedAt: Date, id: UUID) {
        self.receivedAt = receivedAt
        self.id = id
    }

    /// Receipt times this API can have issued: 1970 to the end of year 9999. A far one would trap in Postgres'
    /// binary encoding of the date.
    static let microseconds: ClosedRange<Int64> = 0...253_402_300_799_999_999

    init?(_ text: String) {
        let parts = text.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let digits = parts.first, let idText = parts.last,
            !digits.isEmpty, digits.utf8.allSatisfy({ (48...57).contains($0) }),
            let micros = Int64(digits), Self.microseconds.contains(micros), let id = UUID(uuidString: String(idText))
        else { return nil }
        self.init(receivedAt: Date(timeIntervalSince1970: TimeInterval(micros) / 1_000_000), id: id)
    }

    public var text: String {
        "\(Int64((receivedAt.timeIntervalSince1970 * 1_000_000).rounded()))_\(id.uuidString.lowercased())"
    }
}
