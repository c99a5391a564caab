import Foundation
import Testing

@testable import Ingest

@Suite("The X-Webhook-Signature header")
struct WebhookSignatureTests {
    static let secret = "key"
    static let body = Array("The quick brown fox jumps over the lazy dog".utf8)
    /// The well-known HMAC-SHA256 of `body` under `secret`, as `openssl dgst -sha256 -hmac key -hex` prints it.
    static let hex = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    static let wrongHex = String(hex.dropLast()) + (hex.hasSuffix("0") ? "1" : "0")

    struct HeaderCase: CustomTestStringConvertible, Sendable {
        var form: String
        var header: String
        var isValid: Bool
        var testDescription: String { form }
    }

    static let headers: [HeaderCase] = [
        .init(form: "sha256=<hex>", header: "sha256=" + hex, isValid: true),
        .init(form: "bare hex, as the seed's openssl client sends it", header: hex, isValid: true),
        .init(form: "bare hex in upper case", header: hex.uppercased(), isValid: true),
        .init(form: "sha256=<HEX>", header: "sha256=" + hex.uppercased(), isValid: true),
        .init(form: "SHA256=<hex>", header: "SHA256=" + hex, isValid: true),
        .init(form: "wrong digest, bare", header: wrongHex, isValid: false),
        .init(form: "wrong digest, sha256=", header: "sha256=" + wrongHex, isValid: false),
        .init(form: "one digit short", header: String(hex.dropLast()), isValid: false),
        .init(form: "one digit too many", header: hex + "0", isValid: false),
        .init(form: "another algorithm's prefix", header: "sha1=" + hex, isValid: false),
        .init(form: "the prefix twice", header: "sha256=sha256=" + hex, isValid: false),
        .init(form: "a sign in a hex pair", header: "+" + hex.dropFirst(), isValid: false),
        .init(form: "spaces inside", header: String(hex.prefix(32)) + " " + String(hex.dropFirst(33)), isValid: false),
        .init(form: "openssl's whole output line", header: "SHA2-256(stdin)= " + hex, isValid: false),
        .init(form: "base64 of the digest", header: Data(hex.utf8).base64EncodedString(), isValid: false),
        .init(form: "empty", header: "", isValid: false),
    ]

    @Test("accepted forms: sha256=<hex> and the bare hex digest, either case; anything else is refused", arguments: headers)
    func forms(_ example: HeaderCase) {
        #expect(WebhookSignature.isValid(header: example.header, body: Self.body, secret: Self.secret) == example.isValid)
    }

    @Test("a right digest of another body, or under another secret, is refused")
    func otherBodyOrSecret() {
        #expect(!WebhookSignature.isValid(header: Self.hex, body: Self.body + [0x20], secret: Self.secret))
        #expect(!WebhookSignature.isValid(header: Self.hex, body: Self.body, secret: Self.secret + "x"))
    }

    @Test("sign(_:secret:) writes sha256=<lower-case hex>, which the bare form matches")
    func sign() {
        #expect(WebhookSignature.sign(Self.body, secret: Self.secret) == "sha256=" + Self.hex)
    }
}
