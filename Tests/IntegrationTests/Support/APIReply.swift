import BallastCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// An answer of the API as the tests read it: status, body, content type.
struct APIReply {
    var status: HTTPResponse.Status
    var body: ByteBuffer
    var contentType: String?

    var text: String { String(buffer: body) }

    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value { try JSONCoding.decoder.decode(type, from: body) }

    /// The problem body of a 4xx/5xx, which must be `application/problem+json`.
    var problem: APIProblem {
        get throws {
            #expect(contentType == "application/problem+json")
            return try decode(APIProblem.self)
        }
    }
}

/// An RFC 9457 problem body with the fields it names.
struct APIProblem: Decodable {
    struct Parameter: Decodable {
        var name: String
        var reason: String
    }

    var status: Int
    var detail: String?
    var invalidParams: [Parameter]?

    enum CodingKeys: String, CodingKey {
        case status, detail
        case invalidParams = "invalid-params"
    }

    var names: Set<String> { Set((invalidParams ?? []).map(\.name)) }
}

extension TestClientProtocol {
    /// `method uri` with a JSON body and `Authorization: Bearer <key>` (none when `key` is empty).
    func call(_ method: HTTPRequest.Method, _ uri: String, key: String, json: String? = nil) async throws -> APIReply {
        var headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(key)"]
        if key.isEmpty { headers[.authorization] = nil }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) {
            APIReply(status: $0.status, body: $0.body, contentType: $0.headers[.contentType])
        }
    }
}
