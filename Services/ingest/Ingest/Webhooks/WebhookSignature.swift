import Crypto
import Foundation

/// Checks who sent a webhook: an `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the raw body>` header,
/// or, for senders that cannot set headers (TradingView), the source's secret in the body.
/// Both comparisons take the same time whatever the input, so timing reveals nothing about the secret.
public enum WebhookSignature {
    public static let header = "X-Webhook-Signature"

    /// True when `header` is `sha256=` followed by the hex HMAC-SHA256 of `body` under `secret`.
    public static func isValid(header: String, body: some DataProtocol, secret: String) -> Bool {
        guard header.hasPrefix("sha256="), let mac = hexBytes(header.dropFirst("sha256=".count)) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: SymmetricKey(data: Data(secret.utf8)))
    }

    /// `sha256=<hex>` for `body`, as a sender computes it.
    public static func sign(_ body: some DataProtocol, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
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

    private static func hexBytes(_ text: Substring) -> Data? {
        guard text.count == 64 else { return nil }
        var bytes = Data(capacity: 32)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
