import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem body (`application/problem+json`), the shape of every Ballast HTTP error.
public struct ProblemDetails: Error, Codable, Sendable, Equatable {
    public struct InvalidParameter: Codable, Sendable, Equatable {
        public var name: String
        public var reason: String

        public init(name: String, reason: String) {
            self.name = name
            self.reason = reason
        }
    }

    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var instance: String?
    /// Each field that was rejected and why (RFC 9457 §3.2 extension member).
    public var invalidParams: [InvalidParameter]?
    /// Sent as HTTP headers with the problem (e.g. `Retry-After`), not in the body.
    public var headers: HTTPFields = [:]

    public init(
        status: HTTPResponse.Status,
        detail: String? = nil,
        type: String = "about:blank",
        instance: String? = nil,
        invalidParams: [InvalidParameter]? = nil,
        headers: HTTPFields = [:]
    ) {
        self.headers = headers
        self.type = type
        self.title = status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.instance = instance
        self.invalidParams = invalidParams
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, instance
        case invalidParams = "invalid-params"
    }

    public var response: Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(self)) ?? Data(#"{"title":"Internal Server Error","status":500}"#.utf8)
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
