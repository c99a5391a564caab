import BallastCore
import Foundation
import Testing

@testable import BallastWebhooks

@Suite("The signed request of an attempt")
struct WebhookRequestTests {
    static func delivery(url: String) -> ClaimedDelivery {
        ClaimedDelivery(
            id: UUID(), attempt: 1, attemptInRound: 1, isTest: false, endpointID: UUID(), url: url, secrets: [],
            event: WebhookEvent(id: "evt-1", type: "order.filled", userID: UUID(), payload: #"{"a":1}"#, occurredAt: Date()))
    }

    @Test(
        "plain HTTP goes to the checked address with the name in Host; HTTPS and literal addresses keep their URL",
        arguments: [
            ("http://hooks.example.com/in?x=1", [UInt8]([93, 184, 216, 34]), "http://93.184.216.34/in?x=1", "hooks.example.com"),
            ("http://hooks.example.com:8080/in", [93, 184, 216, 34], "http://93.184.216.34:8080/in", "hooks.example.com:8080"),
            (
                "http://v6.example.com/in", [0x26, 0x06, 0x47, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11, 0x11], "http://[2606:4700::1111]/in",
                "v6.example.com"
            ),
            ("https://hooks.example.com/in", [93, 184, 216, 34], "https://hooks.example.com/in", nil),
            ("http://127.0.0.1:9000/in", nil, "http://127.0.0.1:9000/in", nil),
        ] as [(String, [UInt8]?, String, String?)])
    func pinning(url: String, address: [UInt8]?, sentTo: String, host: String?) throws {
        let secret = WebhookSecret.generate()
        let target = try WebhookTargetURL(parsing: url)
        let request = WebhookSender.request(
            Self.delivery(url: url), to: target, at: Date(timeIntervalSince1970: 1_796_558_400), pinnedTo: address, secrets: [secret],
            current: secret)
        #expect(request.url == sentTo)
        #expect(request.headers.first(name: "Host") == host)
        #expect(request.headers.first(name: "webhook-id") == "evt-1")
        #expect(request.headers.first(name: "webhook-timestamp") == "1796558400")
        #expect(request.headers.first(name: "X-Webhook-Timestamp") == "2026-12-06T12:00:00.000Z")
        let signature = try #require(request.headers.first(name: "webhook-signature"))
        #expect(
            WebhookSignature.verify(
                id: "evt-1", timestamp: 1_796_558_400, body: #"{"a":1}"#, header: signature, secret: secret, now: 1_796_558_400))
    }
}
