import Foundation

/// A webhook signing secret in the Standard Webhooks form `whsec_<base64 of 24–64 random bytes>`, so that
/// receivers can verify our signatures with any Standard Webhooks library. Descriptions, debug output and
/// reflection never show it: a secret in a log line is a leaked secret.
public struct WebhookSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The prefix that tells receivers (and people) what the text is.
    public static let prefix = "whsec_"
    /// Fewer bytes would weaken HMAC-SHA256; more than 64 is past SHA-256's block size and adds nothing.
    public static let keyByteCounts = 24...64

    /// The whole secret as the endpoint's owner sees it, `whsec_…`.
    public let text: String
    /// The HMAC key: the bytes the base64 after the prefix stands for.
    public let key: [UInt8]

    /// Reads a secret as an endpoint's owner gives it. The base64 must be standard (`+` and `/`) and
    /// canonical; the `=` padding may be left out.
    public init(parsing text: String) throws(WebhookSecretError) {
        guard text.hasPrefix(Self.prefix) else { throw .missingPrefix }
        let encoded = text.dropFirst(Self.prefix.count)
        // 4 characters per 3 bytes; longer text cannot be a key of the allowed size, so it is not decoded.
        guard encoded.utf8.count <= 4 * ((Self.keyByteCounts.upperBound + 2) / 3) else { throw .wrongLength }
        let padded = encoded.utf8.count % 4 == 0 ? encoded : encoded + String(repeating: "=", count: 4 - encoded.utf8.count % 4)
        guard encoded.utf8.allSatisfy(Self.isBase64Byte), let data = Data(base64Encoded: String(padded)) else {
            throw .notBase64
        }
        // Foundation accepts stray bits in the last character ("QR==" for "A"); one secret has one spelling.
        guard Self.trimmingPadding(data.base64EncodedString()) == Self.trimmingPadding(String(encoded)) else {
            throw .notBase64
        }
        guard Self.keyByteCounts.contains(data.count) else { throw .wrongLength }
        self.text = text
        key = Array(data)
    }

    private init(key: [UInt8]) {
        self.key = key
        text = Self.prefix + Data(key).base64EncodedString()
    }

    /// A new secret of 24 bytes from the system's cryptographic generator.
    public static func generate() -> WebhookSecret {
        var generator = SystemRandomNumberGenerator()
        return WebhookSecret(key: (0..<Self.keyByteCounts.lowerBound).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    public var description: String { "whsec_…(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: []) }

    private static func isBase64Byte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }

    private static func trimmingPadding(_ text: String) -> Substring {
        var trimmed = Substring(text)
        while trimmed.last == "=" { trimmed.removeLast() }
        return trimmed
    }
}

/// Why a webhook secret was refused. The messages never repeat the secret, so they are safe as a 400 reason
/// for the field `secret` and in logs.
public enum WebhookSecretError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingPrefix
    case notBase64
    case wrongLength

    public var description: String {
        let form = "must be 'whsec_' followed by the base64 of 24 to 64 bytes"
        switch self {
        case .missingPrefix: return "does not start with 'whsec_'; it \(form)"
        case .notBase64: return "is not standard base64 after 'whsec_' (A-Z, a-z, 0-9, '+', '/', '=' padding); it \(form)"
        case .wrongLength: return "has a key of the wrong size; it \(form)"
        }
    }
}
