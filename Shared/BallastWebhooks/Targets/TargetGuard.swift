import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Refuses webhook targets that resolve to this machine, the private network or the cloud metadata
/// service, so that an endpoint's owner cannot use our deliveries to reach what only we can reach. Every
/// address the host resolves to is checked, since the HTTP client may connect to any of them. Literal IP
/// hosts take the same path: `getaddrinfo` reads the odd forms (`2130706433`, `0x7f.1`) exactly as the
/// HTTP client's resolver will.
public struct TargetGuard: Sendable {
    /// For development and tests against local receivers; then no address is refused, but a name is still
    /// resolved, so that one that does not resolve fails with that reason.
    public let allowPrivateTargets: Bool

    public init(allowPrivateTargets: Bool) {
        self.allowPrivateTargets = allowPrivateTargets
    }

    /// Returns when the target may be used; throws `.refusedAddress` naming the first refused address, or
    /// `.unresolvable` when the host has no address.
    public func check(_ target: WebhookTargetURL) async throws(WebhookTargetError) {
        _ = try await resolve(target)
    }

    /// The addresses the target's host resolves to, every one of them allowed; none when the host is an address
    /// already and private targets are allowed (nothing to look up).
    public func resolve(_ target: WebhookTargetURL) async throws(WebhookTargetError) -> [[UInt8]] {
        let host = target.host
        guard Self.needsLookup(target, allowPrivateTargets: allowPrivateTargets) else { return [] }
        // getaddrinfo blocks for as long as DNS takes; the cooperative pool must not wait with it.
        let resolved = await withCheckedContinuation { (continuation: CheckedContinuation<Result<[[UInt8]], WebhookTargetError>, Never>) in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: Self.addresses(of: host)) }
        }
        let addresses = try resolved.get()
        guard !allowPrivateTargets else { return addresses }
        for address in addresses {
            if let reason = TargetAddress.refusal(for: address) {
                throw .refusedAddress(host: host, address: TargetAddress.text(of: address), reason: reason)
            }
        }
        return addresses
    }

    /// Whether `resolve` looks the target's host up (and so may wait on DNS).
    public static func needsLookup(_ target: WebhookTargetURL, allowPrivateTargets: Bool) -> Bool {
        !(allowPrivateTargets && isLiteralAddress(target.host))
    }

    /// An IPv6 address or a host of digits and dots: nothing to look up.
    static func isLiteralAddress(_ host: String) -> Bool {
        host.contains(":") || host.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
    }

    /// Every IPv4 (4 bytes) and IPv6 (16 bytes) address `host` resolves to.
    private static func addresses(of host: String) -> Result<[[UInt8]], WebhookTargetError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        defer { if let list { freeaddrinfo(list) } }
        guard status == 0 else {
            let reason = status == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(status))
            return .failure(.unresolvable(host: host, reason: reason))
        }
        var addresses: [[UInt8]] = []
        var entry = list
        while let info = entry?.pointee {
            if let socketAddress = info.ai_addr {
                switch info.ai_family {
                case AF_INET:
                    let address = UnsafeRawPointer(socketAddress).loadUnaligned(as: sockaddr_in.self)
                    addresses.append(withUnsafeBytes(of: address.sin_addr) { Array($0) })
                case AF_INET6:
                    let address = UnsafeRawPointer(socketAddress).loadUnaligned(as: sockaddr_in6.self)
                    addresses.append(withUnsafeBytes(of: address.sin6_addr) { Array($0) })
                default:
                    break
                }
            }
            entry = info.ai_next
        }
        guard !addresses.isEmpty else { return .failure(.unresolvable(host: host, reason: "no IPv4 or IPv6 address")) }
        return .success(addresses)
    }
}
