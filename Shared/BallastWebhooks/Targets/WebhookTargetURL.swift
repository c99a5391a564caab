import Foundation

/// An endpoint's URL, checked for form before anything is sent to it. The host is read as strictly as
/// the resolver will read it (letters, digits, '-', '.', '_', or a bracketed IPv6 address), so that
/// `TargetGuard` checks the same host the HTTP client connects to: no percent-encoded or Unicode hosts
/// that two parsers could read differently.
public struct WebhookTargetURL: Sendable, Hashable {
    public static let maximumLength = 2048

    public let url: URL
    /// Lowercased, without the brackets of an IPv6 literal: what `getaddrinfo` takes.
    public let host: String
    /// The port given, else 443 for https and 80 for http.
    public let port: Int
    public let isHTTPS: Bool

    public init(parsing text: String) throws(WebhookTargetError) {
        guard !text.isEmpty else { throw .invalidURL(reason: "is empty; give an http:// or https:// URL") }
        guard text.utf8.count <= Self.maximumLength else {
            throw .invalidURL(reason: "is longer than \(Self.maximumLength) bytes")
        }
        if text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            throw .invalidURL(reason: "contains a space or control character; percent-encode it")
        }
        guard text.unicodeScalars.allSatisfy(\.isASCII) else {
            throw .invalidURL(reason: "contains a non-ASCII character; write the host in punycode (xn--…) and percent-encode the rest")
        }
        guard let components = URLComponents(string: text), let url = components.url else {
            throw .invalidURL(reason: "is not a valid URL")
        }
        guard let scheme = components.scheme?.lowercased() else {
            throw .invalidURL(reason: "has no scheme; it must start with http:// or https://")
        }
        guard scheme == "http" || scheme == "https" else {
            throw .invalidURL(reason: "uses the '\(scheme.prefix(16))' scheme; only http and https are allowed")
        }
        guard components.percentEncodedUser == nil, components.percentEncodedPassword == nil else {
            throw .invalidURL(reason: "contains a user name or password (user:password@); credentials are not allowed in the URL")
        }
        guard components.percentEncodedFragment == nil else {
            throw .invalidURL(reason: "has a fragment (#…), which is never sent to the server; remove it")
        }
        guard let encodedHost = components.encodedHost, !encodedHost.isEmpty else {
            throw .invalidURL(reason: "has no host")
        }
        let host = try Self.host(reading: encodedHost)
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        guard (1...65_535).contains(port) else { throw .invalidURL(reason: "has port \(port); ports run from 1 to 65535") }
        self.url = url
        self.host = host
        self.port = port
        isHTTPS = scheme == "https"
    }

    private static func host(reading encoded: String) throws(WebhookTargetError) -> String {
        let bytes = Array(encoded.utf8)
        if bytes.first == UInt8(ascii: "[") {
            let inner = bytes.dropFirst().dropLast()
            // The longest IPv6 text is an IPv4-mapped one, 45 characters.
            guard bytes.last == UInt8(ascii: "]"), (2...45).contains(inner.count), inner.allSatisfy(Self.isIPv6Byte) else {
                throw .invalidURL(reason: "has a bracketed host that is not a plain IPv6 address (zone ids are not allowed)")
            }
            return String(decoding: inner, as: UTF8.self).lowercased()
        }
        guard bytes.count <= 253 else { throw .invalidURL(reason: "has a host longer than 253 characters") }
        guard bytes.allSatisfy(Self.isHostByte) else {
            throw .invalidURL(reason: "has a host with characters other than letters, digits, '-', '.' and '_'")
        }
        return encoded.lowercased()
    }

    private static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    private static func isIPv6Byte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: ":"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }
}

/// Why a webhook target was refused. `invalidURL`'s reason completes "the URL …" and serves as a 400 reason
/// for the field `url`; `unresolvable` is its own case because whether it is fatal is the caller's call
/// (a registration may refuse it, a delivery retries it).
public enum WebhookTargetError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(reason: String)
    /// `reason` names the kind of address, such as "a private address".
    case refusedAddress(host: String, address: String, reason: String)
    case unresolvable(host: String, reason: String)

    public var description: String {
        switch self {
        case .invalidURL(let reason):
            return "the URL \(reason)"
        case .refusedAddress(let host, let address, let reason):
            let what =
                host == address ? "the URL's host \(host) is \(reason)" : "the URL's host '\(host)' resolves to \(address), \(reason)"
            return "\(what); set BALLAST_ALLOW_PRIVATE_TARGETS=1 to allow private targets"
        case .unresolvable(let host, let reason):
            return "the URL's host '\(host)' does not resolve (\(reason))"
        }
    }
}
