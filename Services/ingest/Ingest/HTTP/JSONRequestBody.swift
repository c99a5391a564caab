import BallastCore
import BallastService
import Hummingbird

/// A request body read as JSON, bounded: over `maxBytes` is a 413 (from `Content-Length` before anything is read, or
/// while reading), text that is not JSON a 400. The bytes are kept: a webhook's signature is over them.
struct JSONRequestBody {
    var bytes: [UInt8]
    var value: JSONValue

    /// `checkHeaders` runs after the size check and before the body is read (the webhook's media type).
    static func read(_ request: Request, maxBytes: Int, checkHeaders: () throws -> Void = {}) async throws -> JSONRequestBody {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw ProblemDetails(status: .contentTooLarge, detail: "the body is over \(maxBytes) bytes")
        }
        try checkHeaders()
        var request = request
        let bytes = Array(buffer: try await request.collectBody(upTo: maxBytes))
        do {
            return JSONRequestBody(bytes: bytes, value: try JSONValue(parsing: bytes))
        } catch {
            throw ProblemDetails(status: .badRequest, detail: "the body is not valid JSON: \(error)")
        }
    }
}
