import AsyncHTTPClient
import BallastCore
import BallastTrading
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Calls Kraken's spot REST API: public methods (`/0/public/AssetPairs`) with GET, private ones (`/0/private/Balance`)
/// with a signed, form-encoded POST. Answers are Kraken's envelope `{"error": [...], "result": {...}}`; every failure
/// comes back as a `VenueError` (or `CancellationError` when the caller gave up before anything was sent).
///
/// Logs name the method and Kraken's error code, never the secret, the signature or a request's body.
public final class KrakenClient: Sendable {
    public static let defaultBaseURL = "https://api.kraken.com"

    public let baseURL: String
    /// The limit on each HTTP exchange, the answer's body included; waiting for the key's turn is not counted.
    public let timeout: Duration
    /// AssetPairs is the largest answer (about a megabyte); the limit only stops a runaway answer from filling memory.
    public let maximumResponseBytes: Int
    private let apiKey: String
    private let signer: KrakenSigner?
    private let lane: KrakenKeyLane
    private let httpClient: HTTPClient
    private let logger: Logger

    /// A client for one API key. A `secret` that is not base64 is accepted here and refuses every private call, so a
    /// bad credential is reported where it is used, like a wrong one. `tier` sets the call counter private calls wait
    /// for; nil keeps none (a server without Kraken's limits, as in tests).
    public init(
        baseURL: String = KrakenClient.defaultBaseURL, apiKey: String, secret: Secret, tier: KrakenRateTier? = .starter,
        timeout: Duration = .seconds(10), maximumResponseBytes: Int = 16 << 20, httpClient: HTTPClient = .shared,
        logger: Logger = Logger(label: "ballast.kraken")
    ) {
        let server = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.baseURL = server
        self.apiKey = apiKey
        signer = KrakenSigner(secret: secret.value)
        lane = KrakenKeyLane.shared(server: server, apiKey: apiKey, tier: tier)
        self.timeout = timeout
        self.maximumResponseBytes = maximumResponseBytes
        self.httpClient = httpClient
        self.logger = logger
    }

    /// Calls public `method` (`AssetPairs`, `Ticker`) and returns its `result`.
    public func publicCall(_ method: String, _ parameters: [(name: String, value: String)] = []) async throws -> JSONValue {
        let query = parameters.isEmpty ? "" : "?" + KrakenForm.encode(parameters)
        var request = HTTPClientRequest(url: "\(baseURL)/0/public/\(method)\(query)")
        request.method = .GET
        request.headers.add(name: "User-Agent", value: Self.userAgent)
        let (status, body) = try await exchange(request, method: method)
        return try await result(of: method, status: status, body: body, isPrivate: false)
    }

    /// Calls private `method` (`Balance`, `AddOrder`) and returns its `result`. Calls for the same key wait their
    /// turn and the key's call counter (see `KrakenKeyLane`), then go with the next nonce.
    public func privateCall(_ method: String, _ parameters: [(name: String, value: String)] = []) async throws -> JSONValue {
        guard let signer else {
            throw VenueError.rejected(
                code: "Ballast:Invalid secret", reason: "the API secret is not base64 text, so no call can be signed with it")
        }
        let path = "/0/private/\(method)"
        let (url, apiKey) = (baseURL + path, apiKey)
        let (status, body) = try await lane.run(cost: KrakenCallCounter.cost(of: method)) { nonce in
            let form = KrakenForm.encode([(name: "nonce", value: String(nonce))] + parameters)
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "User-Agent", value: Self.userAgent)
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.headers.add(name: "API-Key", value: apiKey)
            request.headers.add(name: "API-Sign", value: signer.signature(path: path, nonce: nonce, body: form))
            request.body = .bytes(ByteBuffer(string: form))
            return try await self.exchange(request, method: method)
        }
        return try await result(of: method, status: status, body: body, isPrivate: true)
    }

    private static let userAgent = "Ballast/\(BallastVersion.current)"

    /// Sends `request`; whatever goes wrong on the way is `.unknown`: the call may have reached Kraken.
    private func exchange(_ request: HTTPClientRequest, method: String) async throws(VenueError) -> (Int, [UInt8]) {
        let (client, maximum, limit) = (httpClient, maximumResponseBytes, timeout)
        do {
            return try await withTimeout(limit) {
                let response = try await client.execute(request, timeout: .milliseconds(max(1, limit.wholeMilliseconds)))
                let bytes = try await response.body.collect(upTo: maximum)
                return (Int(response.status.code), Array(bytes.readableBytesView))
            }
        } catch is TimeoutError {
            logger.warning("kraken call timed out", metadata: ["method": "\(method)"])
            throw .unknown("no answer to \(method) within \(limit)")
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            logger.warning("kraken call timed out", metadata: ["method": "\(method)"])
            throw .unknown("no answer to \(method) within \(limit)")
        } catch is NIOTooManyBytesError {
            throw .unknown("the answer to \(method) is larger than \(maximum) bytes")
        } catch {
            logger.warning("kraken call failed", metadata: ["method": "\(method)", "error": "\(error)"])
            throw .unknown("\(method) failed on the way: \(error)")
        }
    }

    /// The `result` of Kraken's envelope, or its first error (warnings, `W...`, are not errors) as a `VenueError`.
    private func result(of method: String, status: Int, body: [UInt8], isPrivate: Bool) async throws(VenueError) -> JSONValue {
        guard let json = try? JSONValue(parsing: body), case .object = json else {
            // Kraken's own refusals are JSON; a bare 429 comes from the edge in front of it, before the call is made.
            if status == 429 { throw .busy(code: "HTTP 429", retryAfterSeconds: 5) }
            logger.warning("kraken answer unreadable", metadata: ["method": "\(method)", "status": "\(status)"])
            throw .unknown("the answer to \(method) is not Kraken's JSON (HTTP \(status))")
        }
        let errors = json["error"]?.krakenArray?.compactMap(\.krakenText) ?? []
        if let code = errors.first(where: { $0.hasPrefix("E") }) {
            logger.notice("kraken refused a call", metadata: ["method": "\(method)", "code": "\(code)"])
            var error = KrakenErrorCatalog.venueError(for: code)
            if isPrivate, code.hasPrefix("EAPI:Rate limit exceeded") {
                let wait = await lane.noteRateLimitExceeded()
                error = .busy(code: code, retryAfterSeconds: max(1, Int(wait.components.seconds) + 1))
            }
            throw error
        }
        guard status == 200, let result = json["result"] else {
            logger.warning("kraken answer without result", metadata: ["method": "\(method)", "status": "\(status)"])
            throw .unknown("the answer to \(method) has no result (HTTP \(status))")
        }
        return result
    }
}
