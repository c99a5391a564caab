import BallastWebhooks
import Testing

@Suite("Webhook target URLs")
struct WebhookTargetURLTests {
    @Test(
        "Reads http and https URLs: host lowercased without brackets, default ports",
        arguments: [
            ("http://example.com:8080/path?q=1", "example.com", 8080, false),
            ("https://hooks.example.com/ballast", "hooks.example.com", 443, true),
            ("HTTPS://Hooks.Example.COM", "hooks.example.com", 443, true),
            ("http://example.com", "example.com", 80, false),
            ("http://[2606:4700::1111]:8443/x", "2606:4700::1111", 8443, false),
            ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1", 80, false),
            ("http://2130706433/", "2130706433", 80, false),
            ("http://0x7f.1/", "0x7f.1", 80, false),
            ("https://my_host.example.com/a%20b", "my_host.example.com", 443, true),
            ("http://xn--4ca.example/", "xn--4ca.example", 80, false),
        ]
    )
    func reads(text: String, host: String, port: Int, isHTTPS: Bool) throws {
        let target = try WebhookTargetURL(parsing: text)
        #expect(target.host == host)
        #expect(target.port == port)
        #expect(target.isHTTPS == isHTTPS)
        #expect(target.url.absoluteString == text)
    }

    @Test(
        "Refuses other URLs, naming what is wrong",
        arguments: [
            ("", "the URL is empty; give an http:// or https:// URL"),
            ("ftp://example.com/file", "the URL uses the 'ftp' scheme; only http and https are allowed"),
            ("javascript:alert(1)", "the URL uses the 'javascript' scheme; only http and https are allowed"),
            ("file:///etc/passwd", "the URL uses the 'file' scheme; only http and https are allowed"),
            ("gopher://127.0.0.1:6379/_INFO", "the URL uses the 'gopher' scheme; only http and https are allowed"),
            ("example.com/hook", "the URL has no scheme; it must start with http:// or https://"),
            ("//example.com/hook", "the URL has no scheme; it must start with http:// or https://"),
            ("http:///path", "the URL has no host"),
            ("http:example.com", "the URL has no host"),
            (
                "http://user:pass@example.com/",
                "the URL contains a user name or password (user:password@); credentials are not allowed in the URL"
            ),
            (
                "http://user@example.com/",
                "the URL contains a user name or password (user:password@); credentials are not allowed in the URL"
            ),
            ("http://@example.com/", "the URL contains a user name or password (user:password@); credentials are not allowed in the URL"),
            ("http://example.com/#top", "the URL has a fragment (#…), which is never sent to the server; remove it"),
            ("http://example.com/#", "the URL has a fragment (#…), which is never sent to the server; remove it"),
            ("http://exa mple.com/", "the URL contains a space or control character; percent-encode it"),
            (" http://example.com/", "the URL contains a space or control character; percent-encode it"),
            ("http://example.com/\n", "the URL contains a space or control character; percent-encode it"),
            ("http://example.com/\u{0}", "the URL contains a space or control character; percent-encode it"),
            (
                "http://exämple.com/",
                "the URL contains a non-ASCII character; write the host in punycode (xn--…) and percent-encode the rest"
            ),
            (
                "http://example.com/\u{202E}",
                "the URL contains a non-ASCII character; write the host in punycode (xn--…) and percent-encode the rest"
            ),
            ("http://%31%32%37.0.0.1/", "the URL has a host with characters other than letters, digits, '-', '.' and '_'"),
            ("http://[fe80::1%25eth0]/", "the URL has a bracketed host that is not a plain IPv6 address (zone ids are not allowed)"),
            ("http://[]/", "the URL has a bracketed host that is not a plain IPv6 address (zone ids are not allowed)"),
            ("http://example.com:0/", "the URL has port 0; ports run from 1 to 65535"),
            ("http://example.com:65536/", "the URL has port 65536; ports run from 1 to 65535"),
            ("http://example.com:8o/", "the URL is not a valid URL"),
            ("http://exa\\mple.com/", "the URL is not a valid URL"),
            ("http://example.com/" + String(repeating: "a", count: 2030), "the URL is longer than 2048 bytes"),
        ]
    )
    func refuses(text: String, message: String) {
        #expect(throws: WebhookTargetError.self) { try WebhookTargetURL(parsing: text) }
        do {
            _ = try WebhookTargetURL(parsing: text)
        } catch {
            guard case .invalidURL = error else {
                Issue.record("expected invalidURL, got \(error)")
                return
            }
            #expect(error.description == message)
        }
    }
}
