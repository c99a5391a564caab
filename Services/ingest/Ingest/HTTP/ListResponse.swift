import Hummingbird

/// A page of results: `{"data": [...], "nextCursor": "..."}`; no cursor on the last page.
struct ListResponse<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    var data: [Item]
    var nextCursor: String?
}
