import BallastWebhooks
import Testing

@Suite("Webhook secrets")
struct WebhookSecretTests {
    static let readable: [(String, Int)] = [
        ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 24),
        ("whsec_" + String(repeating: "A", count: 32), 24),
        ("whsec_" + String(repeating: "/", count: 84) + "+w==", 64),
        ("whsec_" + String(repeating: "/", count: 84) + "+w", 64),
        ("whsec_" + String(repeating: "a", count: 36) + "bQ==", 28),
        ("whsec_" + String(repeating: "a", count: 36) + "bQ", 28),
    ]

    @Test("Reads whsec_ plus canonical base64 of 24 to 64 bytes, padded or not", arguments: readable)
    func reads(text: String, byteCount: Int) throws {
        let secret = try WebhookSecret(parsing: text)
        #expect(secret.key.count == byteCount)
        #expect(secret.text == text)
    }

    static let refused: [(String, WebhookSecretError)] = [
        ("", WebhookSecretError.missingPrefix),
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", .missingPrefix),
        ("WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", .missingPrefix),
        (" whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", .missingPrefix),
        ("whsec_", .wrongLength),
        ("whsec_QQ==", .wrongLength),
        ("whsec_" + String(repeating: "A", count: 31), .wrongLength),
        ("whsec_" + String(repeating: "A", count: 88), .wrongLength),
        ("whsec_" + String(repeating: "A", count: 92), .wrongLength),
        ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", .notBase64),
        ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw ", .notBase64),
        ("whsec_MfKQ9r8GKYqrTwjUPD8I-PZIo2LaLaSw", .notBase64),
        ("whsec_MfKQ9r8GKYqrTwjUPD8I_PZIo2LaLaSw", .notBase64),
        ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa==", .notBase64),
        ("whsec_" + String(repeating: "a", count: 36) + "bR==", .notBase64),
        ("whsec_" + String(repeating: "a", count: 36) + "b===", .notBase64),
    ]

    @Test("Refuses other forms, naming what is wrong", arguments: refused)
    func refuses(text: String, expected: WebhookSecretError) {
        #expect(throws: expected) { try WebhookSecret(parsing: text) }
        #expect(expected.description.contains("must be 'whsec_' followed by the base64 of 24 to 64 bytes"))
    }

    @Test("Generated secrets are 24 random bytes that read back, and never show in descriptions")
    func generated() throws {
        let secrets = (0..<50).map { _ in WebhookSecret.generate() }
        #expect(Set(secrets).count == secrets.count)
        for secret in secrets {
            #expect(secret.key.count == 24)
            #expect(try WebhookSecret(parsing: secret.text) == secret)
            let base64 = String(secret.text.dropFirst("whsec_".count))
            for shown in [String(describing: secret), String(reflecting: secret), "\(secret)", String(describing: [secret])] {
                #expect(!shown.contains(base64))
            }
            var dumped = ""
            dump(secret, to: &dumped)
            #expect(!dumped.contains(base64))
        }
    }
}
