import BallastCore
import BallastTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PropertyBased
import Testing

/// The public routes, sent generated hostile bodies and query strings through the real router, Postgres and
/// Redis: every answer is a 2xx, or a 4xx with an RFC 9457 problem body; never a 5xx, never a dead process.
@Suite("Public routes answer hostile requests")
struct HostileHTTPTests {
    /// A webhook body: the secret and an action, with a hostile ticker or other member; sometimes not JSON at all.
    static let webhookBodies = Generator<String, Shrink.None<String>> { rng in
        let text = HostileText.generator.run(using: &rng)
        let quoted = JSONValue.quoted(text)
        let field =
            ["ticker", "symbol", "quantity", "price", "timestamp", "expiresAt", "orderType", "comment"].randomElement(using: &rng)
            ?? "ticker"
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return text
        case 1: return #"{"secret":"\#(WebhookTests.secret)","ticker":\#(quoted),"action":"buy"}"#
        case 2: return #"{"secret":"\#(WebhookTests.secret)","ticker":"BTC-USD","action":"buy","\#(field)":\#(quoted)}"#
        case 3:
            return
                #"{"secret":"\#(WebhookTests.secret)","ticker":"BTC-USD","action":"buy","\#(field)":\#(["1e999999", "-0", "9223372036854775807", "[]", "{}", "true"].randomElement(using: &rng) ?? "0")}"#
        case 4: return #"{"secret":"\#(WebhookTests.secret)","ticker":"BTC-USD","action":\#(quoted)}"#
        default: return #"{"secret":\#(quoted),"ticker":"BTC-USD","action":"buy"}"#
        }
    }

    static func isAnswer(_ status: HTTPResponse.Status, contentType: String?) -> Bool {
        (200..<300).contains(status.code) || ((400..<500).contains(status.code) && contentType == "application/problem+json")
    }

    @Test("webhook bodies: 2xx, or 4xx with a problem body")
    func webhookBodiesAnswer() async throws {
        try await WebhookTests.withIngest { client, _, _ in
            await propertyCheck(count: 300, input: Self.webhookBodies) { body in
                let reply = try await client.execute(
                    uri: "/webhook", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)
                ) { ($0.status, $0.headers[.contentType]) }
                #expect(Self.isAnswer(reply.0, contentType: reply.1), "\(reply.0) for \(body.prefix(200))")
            }
        }
    }

    /// A list or market route with one or two parameters set to hostile text, percent-encoded or (for ASCII) not.
    static let queries = Generator<String, Shrink.None<String>> { rng in
        let routes: [(String, [String])] = [
            ("/api/v1/signals", ["sourceId", "symbol", "from", "to", "limit", "cursor"]),
            ("/api/v1/klines", ["symbol", "interval", "startTime", "endTime", "limit"]),
            ("/api/v1/orders", ["status", "symbol", "limit", "cursor"]), ("/api/v1/positions", ["status", "symbol", "limit", "cursor"]),
            ("/api/v1/fills", ["symbol", "orderId", "limit", "cursor"]), ("/api/v1/ticker/24hr", ["symbol"]),
        ]
        guard let (path, names) = routes.randomElement(using: &rng) else { return "/api/v1/signals" }
        let parameters = (0..<Int.random(in: 1...2, using: &rng)).map { _ in
            let text = HostileText.generator.run(using: &rng)
            let value =
                Bool.random(using: &rng) && text.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "#" })
                ? text : (text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            return "\(names.randomElement(using: &rng) ?? "limit")=\(value)"
        }
        if Int.random(in: 0..<6, using: &rng) == 0 {
            let id = HostileText.generator.run(using: &rng).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            return ["/api/v1/positions/", "/api/v1/orders/", "/api/v1/sources/"].randomElement(using: &rng).map { $0 + id } ?? path
        }
        return path + "?" + parameters.joined(separator: "&")
    }

    @Test("query strings and path ids of the API: 2xx, or 4xx with a problem body")
    func queriesAnswer() async throws {
        try await TradingAPITests.withAPI { api in
            await propertyCheck(count: 300, input: Self.queries) { uri in
                let reply = try await api.call(.get, uri)
                #expect(
                    Self.isAnswer(reply.status, contentType: reply.contentType), "\(reply.status) for \(uri): \(String(buffer: reply.body))"
                )
            }
        }
    }
}
