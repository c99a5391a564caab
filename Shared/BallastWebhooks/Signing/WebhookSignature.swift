import Crypto
import Foundation

/// Signatures on outgoing webhooks. The `webhook-signature` header follows Standard Webhooks
/// (https://www.standardwebhooks.com): HMAC-SHA256 over `id.timestamp.body`, so receivers can use any of
/// its libraries. `X-Webhook-Signature` keeps the seed system's form, so receivers written against it
/// keep working.
public enum WebhookSignature {
    /// The Standard Webhooks signature `v1,<base64 HMAC-SHA256>` of one message under one secret.
    public static func sign(id: String, timestamp: Int64, body: String, secret: WebhookSecret) -> String {
        "v1," + Data(mac(id: id, timestamp: timestamp, body: body, key: secret.key)).base64EncodedString()
    }

    /// The `webhook-signature` header: one signature per secret, separated by a space. While a secret is
    /// rotated both are listed (new first), so receivers holding either one accept the message.
    public static func header(id: String, timestamp: Int64, body: String, secrets: [WebhookSecret]) -> String {
        secrets.map { sign(id: id, timestamp: timestamp, body: body, secret: $0) }.joined(separator: " ")
    }

    /// Whether `header` holds a `v1` signature of the message under `secret` and `timestamp` is within
    /// `tolerance` seconds of `now` (in either direction, so a replayed old message fails). Signatures
    /// are compared in constant time; other versions and malformed entries are skipped.
    public static func verify(
        id: String, timestamp: Int64, body: String, header: String, secret: WebhookSecret, now: Int64, tolerance: Int64 = 300
    ) -> Bool {
        let (skew, overflow) = now.subtractingReportingOverflow(timestamp)
        guard !overflow, skew <= tolerance, skew >= -tolerance else { return false }
        let expected = Array(sign(id: id, timestamp: timestamp, body: body, secret: secret).utf8)
        var matched = false
        for entry in header.utf8.split(separator: UInt8(ascii: " ")) where hasSameBytes(Array(entry), expected) {
            matched = true
        }
        return matched
    }

    /// The seed system's `X-Webhook-Signature` value, `sha256=<lowercase hex HMAC-SHA256 of the body>`, keyed
    /// with the whole secret text (prefix included) as the seed's `createHmac('sha256', secret)` did.
    public static func seedSignature(body: String, secret: WebhookSecret) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: SymmetricKey(data: Array(secret.text.utf8)))
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(2 * SHA256.byteCount)
        for byte in code {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return "sha256=" + String(decoding: hex, as: UTF8.self)
    }

    private static func mac(id: String, timestamp: Int64, body: String, key: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array("\(id).\(timestamp).\(body)".utf8), using: SymmetricKey(data: key)))
    }

    /// Compares every byte whatever the first difference, so the time taken says nothing about how much of
    /// a forged signature was right.
    private static func hasSameBytes(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
