/// One entry of `BALLAST_CORS_ORIGINS` (`https://app.example.com`, `https://app-*.vercel.app`), or an `Origin`
/// header read with the same grammar: `scheme://host[:port]`, where a host label may hold one `*` for one or more
/// characters of that label (never a dot, so `https://*.example.com` does not match `https://evil.com.example.com`).
struct CORSOriginRule: Sendable, Equatable {
    enum Label: Sendable, Equatable {
        case exact(String)
        /// `app-*`: `prefix`, then at least one character, then `suffix`.
        case pattern(prefix: String, suffix: String)
    }

    /// Why an entry is not an origin, in words that tell the operator what to write instead.
    struct Invalid: Error {
        let reason: String
    }

    let scheme: String
    let labels: [Label]
    /// Nil for the scheme's default port (80 for http, 443 for https), which browsers leave out of `Origin`.
    let port: Int?

    /// Scheme and host in any case, as operators write them; both are kept in lower case.
    init(parsing text: String) throws(Invalid) {
        let example = "write scheme://host[:port], like https://app.example.com"
        guard let separator = text.range(of: "://") else { throw Invalid(reason: "not an origin; \(example)") }
        let rawScheme = text[..<separator.lowerBound]
        guard let first = rawScheme.first, first.isASCII, first.isLetter, rawScheme.allSatisfy(Self.isSchemeCharacter) else {
            throw Invalid(reason: "'\(rawScheme)' is not a URL scheme; \(example)")
        }
        let rawAuthority = text[separator.upperBound...]
        if let extra = rawAuthority.first(where: { "/?#".contains($0) }) {
            throw Invalid(reason: "an origin has no path, query or fragment, not even a trailing '/' (found '\(extra)'); \(example)")
        }
        if let character = rawAuthority.first(where: { !Self.isAuthorityCharacter($0) }) {
            throw Invalid(reason: "'\(character)' cannot be part of a host name or port (IPv6 addresses are not supported)")
        }
        // Lower case only once every character is known to be ASCII, which lower-cases to ASCII.
        let scheme = rawScheme.lowercased()
        let authority = rawAuthority.lowercased()
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw Invalid(reason: "more than one ':' (IPv6 addresses are not supported)") }
        var port: Int?
        if parts.count == 2 {
            guard parts[1].count <= 5, let number = Int(parts[1]), (1...65_535).contains(number) else {
                throw Invalid(reason: "the port must be a number from 1 to 65535, got '\(parts[1])'")
            }
            port = Self.defaultPorts[scheme] == number ? nil : number
        }
        self.scheme = scheme
        self.port = port
        labels = try Self.labels(of: parts[0])
    }

    var isPattern: Bool {
        labels.contains { if case .pattern = $0 { true } else { false } }
    }

    /// The origin as a browser writes it; for a rule without patterns, the only `Origin` it matches.
    var serialization: String {
        let host = labels.map { label in
            switch label {
            case .exact(let text): text
            case .pattern(let prefix, let suffix): "\(prefix)*\(suffix)"
            }
        }
        return "\(scheme)://\(host.joined(separator: "."))" + (port.map { ":\($0)" } ?? "")
    }

    /// Whether `origin`, an origin without patterns, is one this rule allows.
    func matches(_ origin: CORSOriginRule) -> Bool {
        guard origin.scheme == scheme, origin.port == port, origin.labels.count == labels.count else { return false }
        return zip(labels, origin.labels).allSatisfy { rule, label in
            guard case .exact(let text) = label else { return false }
            switch rule {
            case .exact(let expected):
                return text == expected
            case .pattern(let prefix, let suffix):
                return text.count > prefix.count + suffix.count && text.hasPrefix(prefix) && text.hasSuffix(suffix)
            }
        }
    }

    private static let defaultPorts = ["http": 80, "https": 443]

    private static func labels(of host: Substring) throws(Invalid) -> [Label] {
        guard !host.isEmpty, host.count <= 253 else { throw Invalid(reason: "the host must have 1 to 253 characters") }
        let texts = host.split(separator: ".", omittingEmptySubsequences: false)
        var labels: [Label] = []
        for (index, text) in texts.enumerated() {
            guard !text.isEmpty, text.count <= 63 else {
                throw Invalid(reason: "'\(host)' has an empty label or one longer than 63 characters")
            }
            let stars = text.count { $0 == "*" }
            if stars == 0 {
                labels.append(.exact(String(text)))
                continue
            }
            guard stars == 1 else { throw Invalid(reason: "a host label holds at most one '*', got '\(text)'") }
            // `*.com` or `app.*` would allow sites anyone can register.
            guard index < texts.count - 2 else {
                throw Invalid(
                    reason: "'*' cannot stand in the last two labels of '\(host)'; write the domain out, like https://*.example.com")
            }
            let parts = text.split(separator: "*", omittingEmptySubsequences: false)
            labels.append(.pattern(prefix: String(parts[0]), suffix: String(parts[1])))
        }
        return labels
    }

    private static func isSchemeCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "+.-".contains(character))
    }

    private static func isAuthorityCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "-.:*".contains(character))
    }
}
