import BallastCore
import BallastTestSupport
import BallastTrading
import BallastVenues
import Foundation
import Testing

/// The client over real loopback HTTP against a server that answers as each test says.
@Suite struct KrakenClientTests {
    static let secret = KrakenSignerTests.documentedSecret
    static let balance = #"{"error":[],"result":{"ZUSD":"1000.5000","XXBT":"0.0100000000"}}"#

    static func client(_ url: String, timeout: Duration = .seconds(5), secret: String = secret) -> KrakenClient {
        KrakenClient(baseURL: url, apiKey: "test-key-\(UUID())", secret: Secret(secret), tier: .pro, timeout: timeout)
    }

    static func nonce(of body: String) -> UInt64? {
        body.split(separator: "&").first { $0.hasPrefix("nonce=") }.flatMap { UInt64($0.dropFirst("nonce=".count)) }
    }

    @Test func privateCallsAreSignedAsKrakenChecks() async throws {
        try await WebhookReceiver.with(stopsGracefully: true, answer: { _, _ in .status(200, body: Self.balance) }) { receiver in
            let client = Self.client(receiver.url(""))
            let result = try await client.privateCall("AddOrder", [("pair", "XXBTZUSD"), ("volume", "1.25")])
            #expect(result["ZUSD"] == .string("1000.5000"))
            let request = try #require(receiver.requests.first)
            #expect(request.path == "/0/private/AddOrder")
            #expect(request.headers["content-type"] == "application/x-www-form-urlencoded")
            #expect(request.headers["api-key"]?.hasPrefix("test-key-") == true)
            let nonce = try #require(Self.nonce(of: request.body))
            #expect(request.body == "nonce=\(nonce)&pair=XXBTZUSD&volume=1.25")
            let signer = try #require(KrakenSigner(secret: Self.secret))
            #expect(request.headers["api-sign"] == signer.signature(path: "/0/private/AddOrder", nonce: nonce, body: request.body))
            #expect(!request.body.contains(Self.secret) && !request.headers.values.contains(Self.secret))
        }
    }

    @Test func concurrentPrivateCallsReachKrakenOneAtATimeInNonceOrder() async throws {
        try await WebhookReceiver.with(stopsGracefully: true, answer: { _, _ in .status(200, body: Self.balance) }) { receiver in
            let client = Self.client(receiver.url(""))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<15 { group.addTask { _ = try await client.privateCall("Balance") } }
                try await group.waitForAll()
            }
            let nonces = receiver.requests.compactMap { Self.nonce(of: $0.body) }
            #expect(nonces.count == 15)
            #expect(nonces == nonces.sorted() && Set(nonces).count == 15)
        }
    }

    @Test(arguments: [
        (
            #"{"error":["EOrder:Insufficient funds"]}"#,
            VenueError.rejected(code: "EOrder:Insufficient funds", reason: "the account's balance does not cover the order")
        ),
        (
            #"{"error":["EAPI:Invalid key"],"result":{}}"#,
            .rejected(code: "EAPI:Invalid key", reason: "the API key is wrong, or was deleted or revoked at Kraken")
        ),
        (#"{"error":["EService:Unavailable"]}"#, .busy(code: "EService:Unavailable", retryAfterSeconds: 5)),
        (
            #"{"error":["WGeneral:Danger","EGeneral:Invalid arguments:volume"]}"#,
            .rejected(code: "EGeneral:Invalid arguments:volume", reason: "Kraken refused the call's parameters")
        ),
    ])
    func errorsInKrakensEnvelopeAreMapped(body: String, expected: VenueError) async throws {
        try await WebhookReceiver.with(stopsGracefully: true, answer: { _, _ in .status(200, body: body) }) { receiver in
            await #expect(throws: expected) { try await Self.client(receiver.url("")).privateCall("Balance") }
        }
    }

    @Test func warningsAloneAreNotErrors() async throws {
        try await WebhookReceiver.with(
            stopsGracefully: true, answer: { _, _ in .status(200, body: #"{"error":["WGeneral:Note"],"result":{"count":1}}"#) }
        ) {
            receiver in
            let result = try await Self.client(receiver.url("")).privateCall("CancelOrder")
            #expect(result["count"] == .number("1"))
        }
    }

    @Test func rateLimitExceededIsBusyForAsLongAsTheCounterNeeds() async throws {
        try await WebhookReceiver.with(
            stopsGracefully: true, answer: { _, _ in .status(200, body: #"{"error":["EAPI:Rate limit exceeded"]}"#) }
        ) { receiver in
            do {
                _ = try await Self.client(receiver.url("")).privateCall("Balance")
                Issue.record("a refused call returned")
            } catch VenueError.busy(let code, let seconds) {
                // Pro tier: Kraken's counter is taken as full at 20, this model allows 19, so one call waits 2 s.
                #expect(code == "EAPI:Rate limit exceeded")
                #expect((2...3).contains(seconds))
            }
        }
    }

    @Test(arguments: [
        (502, "<html>Bad gateway</html>"),
        (200, "{\"error\":[]"),
        (200, "[1,2,3]"),
        (200, #"{"error":[]}"#),
        (500, #"{"error":[],"result":{}}"#),
    ])
    func answersThatAreNotKrakensEnvelopeLeaveTheOutcomeUnknown(status: Int, body: String) async throws {
        try await WebhookReceiver.with(stopsGracefully: true, answer: { _, _ in .status(status, body: body) }) { receiver in
            await #expect {
                try await Self.client(receiver.url("")).privateCall("AddOrder")
            } throws: { error in
                if case VenueError.unknown = error { true } else { false }
            }
        }
    }

    @Test func aBare429IsBusy() async throws {
        try await WebhookReceiver.with(stopsGracefully: true, answer: { _, _ in .status(429, body: "Too Many Requests") }) { receiver in
            await #expect(throws: VenueError.busy(code: "HTTP 429", retryAfterSeconds: 5)) {
                try await Self.client(receiver.url("")).privateCall("Balance")
            }
        }
    }

    @Test func noAnswerWithinTheTimeoutIsUnknown() async throws {
        try await WebhookReceiver.with(stopsGracefully: true, answer: { _, _ in .hang }) { receiver in
            let started = ContinuousClock.now
            await #expect(throws: VenueError.unknown("no answer to AddOrder within 0.3 seconds")) {
                try await Self.client(receiver.url(""), timeout: .milliseconds(300)).privateCall("AddOrder")
            }
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test func aDroppedOrRefusedConnectionIsUnknown() async throws {
        let closing = try ClosingServer()
        let refused = try ClosedPort()
        for url in [closing.url(""), "http://127.0.0.1:\(refused.port)"] {
            await #expect {
                try await Self.client(url, timeout: .seconds(3)).privateCall("Balance")
            } throws: { error in
                if case VenueError.unknown = error { true } else { false }
            }
        }
    }

    @Test func aSecretThatIsNotBase64IsRefusedBeforeAnythingIsSent() async throws {
        try await WebhookReceiver.with(stopsGracefully: true, answer: { _, _ in .status(200, body: Self.balance) }) { receiver in
            await #expect(
                throws: VenueError.rejected(
                    code: "Ballast:Invalid secret", reason: "the API secret is not base64 text, so no call can be signed with it")
            ) {
                try await Self.client(receiver.url(""), secret: "not base64!").privateCall("Balance")
            }
            #expect(receiver.requests.isEmpty)
        }
    }
}
