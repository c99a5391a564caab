import Crypto
import Foundation

/// Checks who sent a webhook: an `X-Webhook-Signature` header holding the hex HMAC-SHA256 of the raw body,
/// or, for senders that cannot set headers (TradingView), the source's secret in the body.
/// Both comparisons take the same time whatever the input, so timing reveals nothing about the secret.
public enum WebhookSignature {
    public static let header = "X-Webhook-Signature"
    /// The forms `isValid(header:body:secret:)` accepts, as error messages name them.
    public static let forms = "sha256=<hex HMAC-SHA256 of the body> or the bare hex digest"
    private static let prefix = "sha256="

    /// True when `header` is the hex HMAC-SHA256 of `body` under `secret`, either as `sha256=<hex>` (GitHub's
    /// form) or bare, as `openssl dgst -sha256 -hmac <secret> -hex` prints it (the seed systems' clients send
    /// that). Hex digits in either case.
    public static func isValid(header: String, body: some DataProtocol, secret: String) -> Bool {
        var digest = Substring(header)
        if digest.prefix(prefix.count).lowercased() == prefix {
            digest = digest.dropFirst(prefix.count)
        }
        guard let mac = hexBytes(digest) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: SymmetricKey(data: Data(secret.utf8)))
    }

    /// `sha256=<hex>` for `body`, as a sender computes it.
    public static func sign(_ body: some DataProtocol, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return prefix + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Compares a secret sent in the body with the source's, in constant time. Comparing digests keeps
    /// the time independent of where the strings differ and of their lengths.
    public static func isValid(bodySecret: String, secret: String) -> Bool {
        constantTimeEquals(Array(SHA256.hash(data: Data(bodySecret.utf8))), Array(SHA256.hash(data: Data(secret.utf8))))
    }

    private static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// 64 hex digits as 32 bytes. Digit by digit: `UInt8(_:radix:)` would also take a sign (`+f`).
    private static func hexBytes(_ text: Substring) -> Data? {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { return nil }
        var bytes = Data(capacity: 32)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
