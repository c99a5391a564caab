import AsyncHTTPClient
import BallastCore
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Calls one node's JSON-RPC over HTTP POST. Every failure comes back as a `JSONRPCError`; nothing a node sends can
/// crash the caller.
public final class JSONRPCClient: Sendable {
    public struct Credentials: Sendable, Equatable {
        public var user: String
        public var password: String
        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }
    }

    public let url: String
    public let timeout: Duration
    /// A verbose Bitcoin block is a few megabytes of JSON; the limit only stops a runaway answer from filling memory.
    public let maximumResponseBytes: Int
    private let credentials: Credentials?
    private let httpClient: HTTPClient
    private let nextID = Atomic<Int>(1)

    public init(
        url: String, credentials: Credentials? = nil, timeout: Duration = .seconds(10), maximumResponseBytes: Int = 64 << 20,
        httpClient: HTTPClient = .shared
    ) {
        self.url = url
        self.credentials = credentials
        self.timeout = timeout
        self.maximumResponseBytes = maximumResponseBytes
        self.httpClient = httpClient
    }

    /// Calls `method` and returns its result. `timeout` overrides the client's limit for this call; it covers the
    /// whole exchange, the answer's body included.
    public func call(_ method: String, _ params: [JSONValue] = [], timeout: Duration? = nil) async throws(JSONRPCError) -> JSONValue {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        let request = JSONRPCRequest(id: .integer(id), method: method, params: .array(params))
        let limit = timeout ?? self.timeout
        let (status, body) = try await exchange(request.serialized, method: method, limit: limit)
        let json: JSONValue
        do {
            json = try JSONValue(parsing: body)
        } catch {
            if status != 200 { throw .httpStatus(method: method, status: status, bodyExcerpt: Self.excerpt(body)) }
            throw .malformedResponse(method: method, reason: error.description)
        }
        // Bitcoin Core answers RPC errors of 1.0 callers with HTTP 500 (404 for an unknown method) and the error in
        // the body: the body decides, the status only when the body is not an answer.
        guard let response = JSONRPCResponse(json: json) else {
            if status != 200 { throw .httpStatus(method: method, status: status, bodyExcerpt: Self.excerpt(body)) }
            throw .malformedResponse(method: method, reason: "the body is JSON but not a JSON-RPC answer")
        }
        guard response.id == .integer(id) || response.id == .null else {
            throw .malformedResponse(method: method, reason: "the answer is for id \(response.id.serialized), not \(id)")
        }
        switch response.outcome {
        case .error(let error): throw .rpc(method: method, code: error.code, message: error.message)
        case .result(let result):
            guard status == 200 else { throw .httpStatus(method: method, status: status, bodyExcerpt: Self.excerpt(body)) }
            return result
        }
    }

    private func exchange(_ body: String, method: String, limit: Duration) async throws(JSONRPCError) -> (Int, [UInt8]) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let credentials {
            let token = Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString()
            request.headers.add(name: "Authorization", value: "Basic \(token)")
        }
        request.body = .bytes(ByteBuffer(string: body))
        let (client, maximum, sentRequest) = (httpClient, maximumResponseBytes, request)
        do {
            return try await withTimeout(limit) {
                let response = try await client.execute(sentRequest, timeout: .milliseconds(max(1, limit.wholeMilliseconds)))
                let bytes = try await response.body.collect(upTo: maximum)
                return (Int(response.status.code), Array(bytes.readableBytesView))
            }
        } catch is TimeoutError {
            throw .timeout(method: method, limit: limit)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw .timeout(method: method, limit: limit)
        } catch is NIOTooManyBytesError {
            throw .malformedResponse(method: method, reason: "the answer is larger than \(maximum) bytes")
        } catch {
            throw .transport(method: method, reason: String(describing: error))
        }
    }

    private static func excerpt(_ body: [UInt8]) -> String { String(decoding: body.prefix(200), as: UTF8.self) }
}
