import BallastWebhooks
import Testing

/// One signing case: the message, the secret, and the header value a receiver expects.
struct SignatureVector: Sendable, CustomTestStringConvertible {
    let secret: String
    let id: String
    let timestamp: Int64
    let body: String
    let expected: String
    let source: String

    var testDescription: String { source }
}

/// One `X-Webhook-Signature` case, its expected value computed with
/// `printf '%s' BODY | openssl dgst -sha256 -hmac SECRET -hex`.
struct SeedSignatureVector: Sendable, CustomTestStringConvertible {
    let secret: String
    let body: String
    let expectedHex: String

    var testDescription: String { "body '\(body.prefix(24))'" }
}

/// The spec vector's message with one thing changed, checked against the spec vector's signature.
struct MessageChange: Sendable, CustomTestStringConvertible {
    let name: String
    let id: String
    let timestamp: Int64
    let body: String
    let now: Int64
    let valid: Bool

    init(
        _ name: String, id: String = WebhookSignatureTests.specID, timestamp: Int64 = WebhookSignatureTests.specTimestamp,
        body: String = WebhookSignatureTests.specBody, now: Int64 = WebhookSignatureTests.specTimestamp, valid: Bool
    ) {
        self.name = name
        self.id = id
        self.timestamp = timestamp
        self.body = body
        self.now = now
        self.valid = valid
    }

    var testDescription: String { name }
}

@Suite("Webhook signatures")
struct WebhookSignatureTests {
    static let specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let specID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let specTimestamp: Int64 = 1_614_265_330
    static let specBody = #"{"test": 2432232314}"#
    static let specSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    /// The Standard Webhooks libraries' shared "sign function works" vector (standard-webhooks/standard-webhooks,
    /// libraries/python/tests/test_webhooks.py `test_sign_function`, the same values in
    /// libraries/javascript/src/webhook.test.ts, libraries/go/webhook_test.go, libraries/ruby/spec/webhook_spec.rb
    /// and libraries/csharp/StandardWebhooks.Tests/WebhookTest.cs).
    static let vectors: [SignatureVector] = [
        SignatureVector(
            secret: specSecret, id: specID, timestamp: specTimestamp, body: specBody, expected: specSignature,
            source: "standard-webhooks libraries' sign vector"
        )
    ]

    static let seedVectors: [SeedSignatureVector] = [
        SeedSignatureVector(
            secret: specSecret, body: specBody,
            expectedHex: "80ec8a89ce3cd22133a1066caecb4d04fea7467657c8514d717ec42c38a5c94c"
        ),
        SeedSignatureVector(
            secret: specSecret, body: "",
            expectedHex: "da5f5865984e699a69cfec62ce49a76daf8ae4601b54a781fa13f3b2d3b2088a"
        ),
        SeedSignatureVector(
            secret: "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", body: #"{"type":"order.filled","data":{"id":"ord_1","price":"101.25"}}"#,
            expectedHex: "fa172d39220fc27897efa17abff9cf7a910dda23f510a171e1a07df4e3b7775f"
        ),
        SeedSignatureVector(
            secret: specSecret, body: "héllo wörld ✓",
            expectedHex: "20b6b1a278c8875ebf3f42c35c1a325c1248d5b8ba97d61ee2f1df119f6997ad"
        ),
    ]

    static func secret(_ text: String) throws -> WebhookSecret { try WebhookSecret(parsing: text) }

    @Test("Signs the published vectors", arguments: vectors)
    func signsVectors(vector: SignatureVector) throws {
        let secret = try Self.secret(vector.secret)
        #expect(WebhookSignature.sign(id: vector.id, timestamp: vector.timestamp, body: vector.body, secret: secret) == vector.expected)
        #expect(
            WebhookSignature.verify(
                id: vector.id, timestamp: vector.timestamp, body: vector.body, header: vector.expected, secret: secret,
                now: vector.timestamp
            )
        )
    }

    /// Header forms from the libraries' tests: the python suite's one-character-off signature, the
    /// multi-signature header with other versions and wrong `v1` entries around the right one, a cut-off one.
    @Test(
        "Verifies a header when some v1 entry matches",
        arguments: [
            (specSignature, true),
            ("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=", false),
            ("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLawdd", false),
            (
                "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= \(specSignature) v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
                true
            ),
            ("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", false),
            ("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", false),
            (String(specSignature.prefix(8)), false),
            ("v1,", false),
            ("", false),
            ("  \(specSignature)  ", true),
        ]
    )
    func verifiesHeaders(header: String, valid: Bool) throws {
        let secret = try Self.secret(Self.specSecret)
        let verified = WebhookSignature.verify(
            id: Self.specID, timestamp: Self.specTimestamp, body: Self.specBody, header: header, secret: secret, now: Self.specTimestamp
        )
        #expect(verified == valid)
    }

    static let changes: [MessageChange] = [
        MessageChange("tampered body", body: #"{"test": 2432232315}"#, valid: false),
        MessageChange("tampered id", id: "msg_p5jXN8AQM9LWM0D4loKWxJeK", valid: false),
        MessageChange("tampered timestamp", timestamp: specTimestamp + 1, now: specTimestamp + 1, valid: false),
        MessageChange("5 minutes old", now: specTimestamp + 300, valid: true),
        MessageChange("5 minutes 1 second old", now: specTimestamp + 301, valid: false),
        MessageChange("5 minutes ahead", now: specTimestamp - 300, valid: true),
        MessageChange("5 minutes 1 second ahead", now: specTimestamp - 301, valid: false),
        MessageChange("a clock at Int64.min", now: Int64.min, valid: false),
        MessageChange("a clock at Int64.max", now: Int64.max, valid: false),
    ]

    @Test("Refuses a changed message or a timestamp outside the tolerance", arguments: changes)
    func refusesChanges(change: MessageChange) throws {
        let verified = WebhookSignature.verify(
            id: change.id, timestamp: change.timestamp, body: change.body, header: Self.specSignature,
            secret: try Self.secret(Self.specSecret), now: change.now
        )
        #expect(verified == change.valid)
    }

    @Test("A rotation header lists new then old, and verifies with either secret but not a third")
    func rotationHeader() throws {
        let new = WebhookSecret.generate()
        let old = try Self.secret(Self.specSecret)
        let header = WebhookSignature.header(id: Self.specID, timestamp: Self.specTimestamp, body: Self.specBody, secrets: [new, old])
        let entries = header.split(separator: " ").map(String.init)
        #expect(
            entries == [
                WebhookSignature.sign(id: Self.specID, timestamp: Self.specTimestamp, body: Self.specBody, secret: new), Self.specSignature,
            ])
        for secret in [new, old] {
            #expect(
                WebhookSignature.verify(
                    id: Self.specID, timestamp: Self.specTimestamp, body: Self.specBody, header: header, secret: secret,
                    now: Self.specTimestamp
                )
            )
        }
        #expect(
            !WebhookSignature.verify(
                id: Self.specID, timestamp: Self.specTimestamp, body: Self.specBody, header: header, secret: .generate(),
                now: Self.specTimestamp
            )
        )
    }

    @Test("The seed signature is openssl's hex HMAC keyed with the whole secret text", arguments: seedVectors)
    func seedSignature(vector: SeedSignatureVector) throws {
        #expect(WebhookSignature.seedSignature(body: vector.body, secret: try Self.secret(vector.secret)) == "sha256=\(vector.expectedHex)")
    }
}
