import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `method url` with a JSON `body` and `Authorization: Bearer <apiKey>` when given: the status and the body as text.
func httpCall(
    _ method: HTTPMethod, _ url: String, body: String? = nil, apiKey: String? = nil, timeout: Duration = .seconds(10)
) async throws -> (status: Int, body: String) {
    var request = HTTPClientRequest(url: url)
    request.method = method
    if let body {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
    }
    if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
    let response = try await HTTPClient.shared.execute(request, timeout: .init(timeout))
    return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
}
