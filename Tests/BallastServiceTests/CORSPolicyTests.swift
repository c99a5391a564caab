import BallastCore
import BallastService
import BallastTestSupport
import HTTPTypes
import PropertyBased
import Testing

@Suite("CORS policy: which origins, read from BALLAST_CORS_*")
struct CORSPolicyTests {
    static let allowed = [
        "http://localhost:5173", "https://*.example.com", "https://app-*.vercel.app", "https://*-preview.ballast.dev",
        "HTTPS://Admin.Ballast.DEV:443", "http://127.0.0.1:3000",
    ]

    @Test(
        "an origin is allowed only as browsers write it, and only when an entry matches",
        arguments: [
            // Exact entries.
            ("http://localhost:5173", true),
            ("http://localhost:5174", false),
            ("https://localhost:5173", false),
            ("http://localhost", false),
            ("http://127.0.0.1:3000", true),
            ("http://127.0.0.2:3000", false),
            // An entry in upper case and with its default port allows the origin as browsers write it, only that way.
            ("https://admin.ballast.dev", true),
            ("https://admin.ballast.dev:443", false),
            ("https://ADMIN.ballast.dev", false),
            ("HTTPS://admin.ballast.dev", false),
            // `*` is one or more characters of one label.
            ("https://app.example.com", true),
            ("https://a-b-1.example.com", true),
            ("https://example.com", false),
            ("https://.example.com", false),
            ("https://a.b.example.com", false),
            ("https://evil.com.example.com", false),
            ("https://app.example.com.evil.com", false),
            ("https://appexample.com", false),
            ("https://app.example.co", false),
            ("http://app.example.com", false),
            ("https://app.example.com:8443", false),
            ("https://app-1.vercel.app", true),
            ("https://app-feature-login-team.vercel.app", true),
            ("https://app-.vercel.app", false),
            ("https://app.vercel.app", false),
            ("https://xapp-1.vercel.app", false),
            ("https://app-1.vercel.app.evil.com", false),
            ("https://app-1.evil.app", false),
            ("https://pr-12-preview.ballast.dev", true),
            ("https://-preview.ballast.dev", false),
            ("https://pr-12-preview.ballast.dev.evil.com", false),
            // Not an origin as a browser sends one.
            ("null", false),
            ("", false),
            ("https://app.example.com/", false),
            ("https://app.example.com/path", false),
            ("https://app.example.com.", false),
            (" https://app.example.com", false),
            ("https://app.example.com\r\n", false),
            ("https://user@app.example.com", false),
            ("https://app.example.com, https://evil.com", false),
            ("https://*.example.com", false),
            ("https://app%2Eexample.com", false),
            ("https://xn--bcher-kva.example.com", true),
            ("https://bücher.example.com", false),
        ]
    )
    func matching(origin: String, isAllowed: Bool) throws {
        let policy = try CORSPolicy(origins: Self.allowed)
        #expect(policy.allows(origin: origin) == isAllowed)
    }

    @Test(
        "`*` alone allows any origin written the way browsers write it, never `null`",
        arguments: [
            ("https://anything.test", true), ("http://localhost:8080", true), ("capacitor://localhost", true), ("null", false),
            ("https://anything.test/", false), ("https://Anything.test", false),
        ]
    )
    func anyOrigin(origin: String, isAllowed: Bool) throws {
        let policy = try CORSPolicy(origins: ["*"])
        #expect(policy.allowsAnyOrigin)
        #expect(policy.allows(origin: origin) == isAllowed)
    }

    @Test(
        "an entry that is not scheme://host[:port] stops the start, naming BALLAST_CORS_ORIGINS and the entry",
        arguments: [
            ("app.example.com", "not an origin"),
            ("https://app.example.com/", "no path"),
            ("https://app.example.com/api", "no path"),
            ("https://app.example.com?x=1", "no path"),
            ("https://", "1 to 253 characters"),
            ("https://app..example.com", "empty label"),
            ("https://*", "last two labels"),
            ("https://*.com", "last two labels"),
            ("https://app.*", "last two labels"),
            ("https://app.example.*", "last two labels"),
            ("https://**.example.com", "at most one '*'"),
            ("https://a*b*.example.com", "at most one '*'"),
            ("https://[::1]:5173", "IPv6"),
            ("https://app.example.com:0", "port"),
            ("https://app.example.com:65536", "port"),
            ("https://app.example.com:", "port"),
            ("https://app.example.com:*", "port"),
            ("1https://app.example.com", "not a URL scheme"),
            ("://app.example.com", "not a URL scheme"),
            ("https://user@app.example.com", "'@'"),
            ("https://app_1.example.com", "'_'"),
            ("https://bücher.example.com", "'ü'"),
            ("https://" + String(repeating: "a", count: 64) + ".example.com", "longer than 63"),
        ]
    )
    func invalidEntry(entry: String, reason: String) {
        let error = #expect(throws: ConfigurationError.self) { try CORSPolicy(origins: ["http://localhost:5173", entry]) }
        #expect(error?.variable == "BALLAST_CORS_ORIGINS")
        #expect(error?.reason.contains(entry) == true)
        #expect(error?.reason.contains(reason) == true, "\(String(describing: error))")
    }

    @Test("`*` with credentials is refused: browsers never send credentials to any origin")
    func anyOriginWithCredentials() throws {
        #expect(throws: ConfigurationError.self) { try CORSPolicy(origins: ["*"], allowsCredentials: true) }
        #expect(try CORSPolicy(origins: ["https://*.example.com"], allowsCredentials: true).allowsCredentials)
    }

    @Test(
        "unset or empty origins: no policy",
        arguments: [[:], ["BALLAST_CORS_ORIGINS": ""], ["BALLAST_CORS_ORIGINS": "  "], ["BALLAST_CORS_ORIGINS": " , ,"]]
    )
    func unset(environment: [String: String]) throws {
        #expect(try CORSPolicy(environment: EnvironmentReader(environment)) == nil)
    }

    @Test("the variables, with blanks and empty entries ignored, and their defaults")
    func environment() throws {
        let configured = try #require(
            try CORSPolicy(
                environment: EnvironmentReader([
                    "BALLAST_CORS_ORIGINS": " http://localhost:5173 ,, https://app-*.vercel.app ",
                    "BALLAST_CORS_CREDENTIALS": "true", "BALLAST_CORS_MAX_AGE_SECONDS": "3600",
                ])))
        #expect(
            configured
                == (try CORSPolicy(
                    origins: ["http://localhost:5173", "https://app-*.vercel.app"], allowsCredentials: true, maxAgeSeconds: 3600)))
        #expect(configured.allows(origin: "https://app-7.vercel.app"))
        let defaults = try #require(try CORSPolicy(environment: EnvironmentReader(["BALLAST_CORS_ORIGINS": "http://localhost:5173"])))
        #expect(!defaults.allowsCredentials && defaults.maxAgeSeconds == 600)
    }

    @Test(
        "a bad credentials or max-age value names its variable, even without origins",
        arguments: [
            (["BALLAST_CORS_CREDENTIALS": "maybe"], "BALLAST_CORS_CREDENTIALS"),
            (["BALLAST_CORS_MAX_AGE_SECONDS": "-1"], "BALLAST_CORS_MAX_AGE_SECONDS"),
            (["BALLAST_CORS_MAX_AGE_SECONDS": "86401", "BALLAST_CORS_ORIGINS": "http://localhost:5173"], "BALLAST_CORS_MAX_AGE_SECONDS"),
            (["BALLAST_CORS_ORIGINS": "*", "BALLAST_CORS_CREDENTIALS": "1"], "BALLAST_CORS_ORIGINS"),
        ]
    )
    func badValue(environment: [String: String], variable: String) {
        let error = #expect(throws: ConfigurationError.self) { try CORSPolicy(environment: EnvironmentReader(environment)) }
        #expect(error?.variable == variable)
    }

    @Test(
        "a preflight's requested headers are allowed when the API reads them",
        arguments: [
            ("content-type, authorization", [HTTPField.Name.authorization, .contentType]),
            ("Content-Type,X-Request-Id,  X-Evil", [.contentType, .requestID]),
            ("x-webhook-signature, cookie", []),
            ("", []),
        ]
    )
    func requestedHeaders(requested: String, allowed: [HTTPField.Name]) throws {
        #expect(try CORSPolicy(origins: ["*"]).allowedHeaders(requested: requested) == allowed)
    }

    @Test("any text as BALLAST_CORS_ORIGINS is a policy, none, or an error naming the variable")
    func hostileSettings() async {
        await propertyCheck(count: 2_000, input: HostileText.generator) { text in
            do {
                _ = try CORSPolicy(environment: EnvironmentReader(["BALLAST_CORS_ORIGINS": text]))
            } catch let error as ConfigurationError {
                #expect(error.variable == "BALLAST_CORS_ORIGINS")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    /// Even `*` allows only what a browser could have sent: ASCII, lower case, `scheme://host[:port]` and nothing more.
    @Test("any text as an Origin is allowed only when it is an origin as browsers write it")
    func hostileOrigins() async throws {
        let policy = try CORSPolicy(origins: ["*"])
        await propertyCheck(count: 2_000, input: HostileText.generator) { text in
            if policy.allows(origin: text) {
                let authority = text.split(separator: "://", maxSplits: 1).last ?? ""
                #expect(text.contains("://") && !authority.contains("/") && text == text.lowercased())
                #expect(text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ":/.-+".contains($0)) })
            }
        }
    }
}
