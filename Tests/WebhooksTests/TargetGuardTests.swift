import BallastWebhooks
import Testing

@Suite("Target guard")
struct TargetGuardTests {
    static let strict = TargetGuard(allowPrivateTargets: false)

    @Test(
        "Refuses hosts that reach this machine, the private network or the metadata service, in any spelling",
        arguments: [
            ("http://127.0.0.1/", "127.0.0.1", "a loopback address"),
            ("http://127.0.0.1:8080/hook", "127.0.0.1", "a loopback address"),
            ("http://localhost/", nil, "a loopback address"),
            ("http://LOCALHOST:3000/", nil, "a loopback address"),
            ("http://[::1]/", "::1", "a loopback address"),
            ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "the cloud metadata address"),
            ("http://[fd00:ec2::254]/", "fd00:ec2::254", "the cloud metadata address"),
            ("http://2130706433/", "127.0.0.1", "a loopback address"),
            ("http://0x7f.1/", "127.0.0.1", "a loopback address"),
            ("http://0177.0.0.1/", "127.0.0.1", "a loopback address"),
            ("http://127.1/", "127.0.0.1", "a loopback address"),
            ("http://0/", "0.0.0.0", "an unspecified address"),
            ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1", "a loopback address (127.0.0.1 inside IPv6)"),
            ("http://[::ffff:a9fe:a9fe]/", "::ffff:169.254.169.254", "the cloud metadata address (169.254.169.254 inside IPv6)"),
            ("https://10.0.0.1/", "10.0.0.1", "a private address"),
            ("http://192.168.0.10/", "192.168.0.10", "a private address"),
        ] as [(String, String?, String)]
    )
    func refuses(text: String, address: String?, reason: String) async throws {
        let target = try WebhookTargetURL(parsing: text)
        await #expect(throws: WebhookTargetError.self) { try await Self.strict.check(target) }
        do {
            try await Self.strict.check(target)
        } catch {
            guard case .refusedAddress(let host, let refused, let refusedReason) = error else {
                Issue.record("expected refusedAddress, got \(error)")
                return
            }
            #expect(host == target.host)
            if let address { #expect(refused == address) }
            // localhost may resolve to ::1 or 127.0.0.1 first; both are loopback.
            #expect(refusedReason == reason || (address == nil && refusedReason.hasPrefix("a loopback address")))
            #expect(error.description.hasSuffix("; set BALLAST_ALLOW_PRIVATE_TARGETS=1 to allow private targets"))
        }
    }

    @Test("Names the host and address in the refusal")
    func refusalMessage() async throws {
        let error = await #expect(throws: WebhookTargetError.self) {
            try await Self.strict.check(try WebhookTargetURL(parsing: "http://10.0.0.1/"))
        }
        #expect(
            error?.description
                == "the URL's host 10.0.0.1 is a private address; set BALLAST_ALLOW_PRIVATE_TARGETS=1 to allow private targets"
        )
        let resolved = WebhookTargetError.refusedAddress(host: "intranet.example", address: "10.0.0.1", reason: "a private address")
        #expect(
            resolved.description
                == "the URL's host 'intranet.example' resolves to 10.0.0.1, a private address; set BALLAST_ALLOW_PRIVATE_TARGETS=1 to allow private targets"
        )
    }

    @Test("Allows public literal addresses", arguments: ["http://8.8.8.8/", "https://1.1.1.1:8443/hook", "http://[2606:4700::1111]/"])
    func allowsPublic(text: String) async throws {
        try await Self.strict.check(try WebhookTargetURL(parsing: text))
    }

    @Test(
        "With private targets allowed, local addresses pass", arguments: ["http://127.0.0.1:8080/", "http://localhost/", "http://[::1]/"])
    func allowPrivateTargets(text: String) async throws {
        try await TargetGuard(allowPrivateTargets: true).check(try WebhookTargetURL(parsing: text))
    }

    @Test("A name that does not resolve is unresolvable, not refused")
    func unresolvable() async throws {
        let target = try WebhookTargetURL(parsing: "https://ballast-webhooks-test.invalid/hook")
        let error = await #expect(throws: WebhookTargetError.self) { try await Self.strict.check(target) }
        guard case .unresolvable(let host, let reason) = error else {
            Issue.record("expected unresolvable, got \(String(describing: error))")
            return
        }
        #expect(host == "ballast-webhooks-test.invalid")
        #expect(!reason.isEmpty)
    }
}
