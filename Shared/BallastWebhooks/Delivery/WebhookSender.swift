import AsyncHTTPClient
import BallastCore
import Foundation
import NIOCore
import NIOHTTP1

/// Makes one attempt of a delivery: checks the target again (DNS can change since the endpoint was registered),
/// signs the body and POSTs it, and reports what came back. It never throws: every failure is an `AttemptResult`.
public struct WebhookSender: Sendable {
    public static let userAgent = "Ballast-Webhooks/\(BallastVersion.current)"
    /// How much of an answer's body the delivery log keeps.
    public static let excerptLimit = 1_024

    let httpClient: HTTPClient
    let timeout: Duration
    let targetGuard: TargetGuard
    let targets = EndpointTargets()

    public init(httpClient: HTTPClient, settings: WebhookSettings) {
        self.httpClient = httpClient
        self.timeout = settings.timeout
        self.targetGuard = TargetGuard(allowPrivateTargets: settings.allowPrivateTargets)
    }

    /// A client that follows no redirect (a 3xx is a failed attempt), shut down by its owner. Its pool allows as many
    /// connections per host as attempts may run at all: endpoints on one host (or one receiver) must not queue behind
    /// each other's hanging connections; the per-endpoint cap is the dispatcher's.
    public static func makeHTTPClient(settings: WebhookSettings) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(
                connect: .milliseconds(settings.timeout.wholeMilliseconds), read: .milliseconds(settings.timeout.wholeMilliseconds)),
            decompression: .disabled
        )
        configuration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: settings.globalConcurrency)
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func attempt(_ delivery: ClaimedDelivery) async -> AttemptResult {
        let attemptedAt = Date()
        let started = ContinuousClock.now
        func result(status: Int? = nil, excerpt: String? = nil, error: String? = nil, retryAfter: Duration? = nil) -> AttemptResult {
            AttemptResult(
                attemptedAt: attemptedAt, duration: ContinuousClock.now - started, statusCode: status, responseExcerpt: excerpt,
                error: error, retryAfter: retryAfter)
        }
        let parsed = targets.parsed(for: delivery)
        let target: WebhookTargetURL
        switch parsed.target {
        case .success(let parsedTarget): target = parsedTarget
        case .failure(let error): return result(error: error.description)
        }
        let secrets = parsed.secrets
        guard let current = secrets.first else { return result(error: "the endpoint's secret cannot be read") }
        let (client, timeout, targetGuard) = (httpClient, self.timeout, self.targetGuard)
        do {
            // The lookup counts against the attempt's time: a name server that never answers is a timeout like an
            // endpoint that never answers. A literal address needs none, and no timer.
            let addresses =
                TargetGuard.needsLookup(target, allowPrivateTargets: targetGuard.allowPrivateTargets)
                ? try await withTimeout(timeout) { try await targetGuard.resolve(target) } : []
            let request = Self.request(delivery, to: target, at: attemptedAt, pinnedTo: addresses.first, secrets: secrets, current: current)
            // The deadline runs until the answer's head; the client's read timeout bounds each wait for its body.
            let remaining = timeout - (ContinuousClock.now - started)
            let response = try await client.execute(request, timeout: .milliseconds(max(1, remaining.wholeMilliseconds)))
            let status = Int(response.status.code)
            let headers = response.headers
            var excerptBytes = ByteBuffer()
            // Only the excerpt is read: a longer body is dropped with its connection rather than read to the end.
            for try await chunk in response.body {
                var chunk = chunk
                if let bytes = chunk.readSlice(length: min(chunk.readableBytes, Self.excerptLimit - excerptBytes.readableBytes)) {
                    excerptBytes.writeImmutableBuffer(bytes)
                }
                if excerptBytes.readableBytes >= Self.excerptLimit { break }
            }
            let excerpt = String(decoding: excerptBytes.readableBytesView, as: UTF8.self)
            let text = excerpt.isEmpty ? nil : excerpt
            if (300..<400).contains(status) {
                let location = headers.first(name: "location").map { " to \($0.prefix(200))" } ?? ""
                return result(status: status, excerpt: text, error: "redirect not followed (\(status)\(location))")
            }
            let retryAfter = status == 429 || status == 503 ? headers.first(name: "retry-after").flatMap(Self.retryAfter) : nil
            return result(status: status, excerpt: text, retryAfter: retryAfter)
        } catch let error as WebhookTargetError {
            return result(error: error.description)
        } catch is TimeoutError {
            return result(error: "timed out after \(timeout)")
        } catch {
            return result(error: Self.describe(error, timeout: timeout))
        }
    }

    /// The signed request. A plain-HTTP target whose name was resolved is sent to the address that was checked, with
    /// the name in `Host`, so a name server cannot answer the check with a public address and the connection with
    /// a private one. HTTPS keeps the name, which the certificate must match.
    static func request(
        _ delivery: ClaimedDelivery, to target: WebhookTargetURL, at time: Date, pinnedTo address: [UInt8]?, secrets: [WebhookSecret],
        current: WebhookSecret
    ) -> HTTPClientRequest {
        let timestamp = Int64(time.timeIntervalSince1970)
        let body = delivery.event.payload
        var request = HTTPClientRequest(url: target.url.absoluteString)
        if !target.isHTTPS, let address, var components = URLComponents(url: target.url, resolvingAgainstBaseURL: false) {
            let text = TargetAddress.text(of: address)
            components.host = address.count == 16 ? "[\(text)]" : text
            if let pinned = components.string {
                request = HTTPClientRequest(url: pinned)
                request.headers.add(name: "Host", value: components.port.map { "\(target.host):\($0)" } ?? target.host)
            }
        }
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: userAgent)
        request.headers.add(name: "webhook-id", value: delivery.event.id)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(
            name: "webhook-signature",
            value: WebhookSignature.header(id: delivery.event.id, timestamp: timestamp, body: body, secrets: secrets))
        request.headers.add(name: "X-Webhook-Event", value: delivery.event.type)
        request.headers.add(name: "X-Webhook-Timestamp", value: RFC3339.string(from: time))
        request.headers.add(name: "X-Webhook-Signature", value: WebhookSignature.seedSignature(body: body, secret: current))
        request.body = .bytes(ByteBuffer(string: body))
        return request
    }

    /// `Retry-After` as seconds or an HTTP date.
    static func retryAfter(_ text: String) -> Duration? {
        if let seconds = Int64(text.trimmingCharacters(in: .whitespaces)), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return .seconds(max(0, Int64(date.timeIntervalSinceNow.rounded(.up))))
    }

    /// One line saying why no answer came, without the request (which carries the signature).
    static func describe(_ error: any Error, timeout: Duration) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "timed out after \(timeout)"
            case .connectTimeout: return "connecting timed out"
            case .remoteConnectionClosed: return "the endpoint closed the connection before answering"
            default: return "HTTP client error: \(error)"
            }
        }
        return "\(error)".prefix(300).description
    }
}
