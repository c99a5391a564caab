import BallastCore
import Foundation
import HTTPTypes

/// Which web pages may call the public API from a browser (CORS), and what their requests may carry.
///
/// Origins are exact (`http://localhost:5173`) or patterns whose `*` stands for one or more characters of one host
/// label (`https://app-*.vercel.app`), never a regular expression. An `Origin` header is allowed only when it is
/// written the way browsers write it (lower case, no default port, no trailing slash) and matches an entry;
/// `null` (sandboxed frames, local files) never is.
public struct CORSPolicy: Sendable, Equatable {
    public static let originsVariable = "BALLAST_CORS_ORIGINS"
    public static let credentialsVariable = "BALLAST_CORS_CREDENTIALS"
    public static let maxAgeVariable = "BALLAST_CORS_MAX_AGE_SECONDS"

    /// The methods of the API's routes; GET, HEAD and POST need no preflight but are listed for clarity.
    public static let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]
    /// The request headers the API reads that browsers only send after asking. The webhooks' `X-Webhook-Signature`
    /// is left out: webhooks come from servers, and a page that signs would give its secret away.
    public static let requestHeaders: [HTTPField.Name] = [.authorization, .contentType, .requestID]
    /// Response headers a page may read beyond the CORS-safelisted ones.
    public static let exposedHeaders: [HTTPField.Name] = [.location, .retryAfter, .requestID]

    /// `*` alone: any origin (written the way browsers write it); refused together with credentials.
    public let allowsAnyOrigin: Bool
    /// Whether pages may send cookies and the browser's HTTP authentication (`Access-Control-Allow-Credentials`).
    public let allowsCredentials: Bool
    /// How long a browser may cache a preflight's answer (`Access-Control-Max-Age`).
    public let maxAgeSeconds: Int
    private let rules: [CORSOriginRule]

    /// `origins` as `BALLAST_CORS_ORIGINS` lists them; a bad entry throws an error naming that variable.
    public init(origins: [String], allowsCredentials: Bool = false, maxAgeSeconds: Int = 600) throws(ConfigurationError) {
        var rules: [CORSOriginRule] = []
        var allowsAnyOrigin = false
        for entry in origins {
            if entry == "*" {
                guard !allowsCredentials else {
                    throw ConfigurationError(
                        variable: Self.originsVariable,
                        reason: "'*' cannot be combined with \(Self.credentialsVariable)=true (browsers refuse it); list the origins"
                    )
                }
                allowsAnyOrigin = true
                continue
            }
            do {
                rules.append(try CORSOriginRule(parsing: entry))
            } catch {
                throw ConfigurationError(variable: Self.originsVariable, reason: "'\(entry)': \(error.reason)")
            }
        }
        self.allowsAnyOrigin = allowsAnyOrigin
        self.allowsCredentials = allowsCredentials
        self.maxAgeSeconds = maxAgeSeconds
        self.rules = rules
    }

    /// The policy the `BALLAST_CORS_*` variables describe, or nil when `BALLAST_CORS_ORIGINS` is unset or lists
    /// nothing (the API then sends no CORS headers). Entries are comma-separated; blanks around them and empty
    /// entries are ignored. The other two variables are checked even then, so that a typo does not wait to be found.
    public init?(environment: EnvironmentReader) throws(ConfigurationError) {
        let allowsCredentials = try environment.boolean(Self.credentialsVariable, default: false)
        let maxAgeSeconds = try environment.integer(Self.maxAgeVariable, default: 600, range: 0...86_400)
        let origins = (environment.string(Self.originsVariable) ?? "")
            .split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !origins.isEmpty else { return nil }
        try self.init(origins: origins, allowsCredentials: allowsCredentials, maxAgeSeconds: maxAgeSeconds)
    }

    /// Whether a page from `origin` (an `Origin` header's value) may read the API's answers.
    public func allows(origin: String) -> Bool {
        guard let parsed = try? CORSOriginRule(parsing: origin), !parsed.isPattern, parsed.serialization == origin else {
            return false
        }
        return allowsAnyOrigin || rules.contains { $0.matches(parsed) }
    }

    /// Of the headers a preflight asks for (`Access-Control-Request-Headers`), the ones in `requestHeaders`.
    public func allowedHeaders(requested: String) -> [HTTPField.Name] {
        let names = Set(requested.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        return Self.requestHeaders.filter { names.contains($0.canonicalName) }
    }
}
