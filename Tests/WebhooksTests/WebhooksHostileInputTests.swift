import BallastTestSupport
import BallastWebhooks
import PropertyBased
import Testing

/// The readers of what endpoint owners and operators type, fed thousands of random and hostile texts:
/// each answers with a value or its typed error, and never traps.
@Suite("BallastWebhooks readers answer hostile input")
struct WebhooksHostileInputTests {
    /// Put before hostile text now and then, so that parsing gets past its first checks.
    static let prefixes = Gen.element(of: [
        "", "", "", "http://", "https://", "http://[", "https://example.com", "https://example.com/", "whsec_", "0,", "5s,",
    ])

    @Test("WebhookTargetURL: an http(s) URL with a clean host and valid port, or invalidURL with a reason")
    func targetURLAnswers() async {
        await propertyCheck(count: 4_000, input: Self.prefixes, HostileText.generator) { prefix, hostile in
            let text = (prefix ?? "") + hostile
            do throws(WebhookTargetError) {
                let target = try WebhookTargetURL(parsing: text)
                #expect(text.utf8.count <= WebhookTargetURL.maximumLength)
                #expect((1...65_535).contains(target.port))
                #expect(!target.host.isEmpty)
                #expect(target.host.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0 != "%" })
                #expect(["http", "https"].contains(target.url.scheme?.lowercased()))
            } catch {
                guard case .invalidURL(let reason) = error else {
                    Issue.record("parsing alone answered \(error)")
                    return
                }
                #expect(!reason.isEmpty && reason.count < 200)
            }
        }
    }

    @Test("WebhookSecret: a 24 to 64 byte key that reads back, or an error that does not repeat the input")
    func secretAnswers() async {
        await propertyCheck(count: 4_000, input: Self.prefixes, HostileText.generator) { prefix, hostile in
            let text = (prefix ?? "") + hostile
            do throws(WebhookSecretError) {
                let secret = try WebhookSecret(parsing: text)
                #expect(WebhookSecret.keyByteCounts.contains(secret.key.count))
                #expect(try WebhookSecret(parsing: secret.text) == secret)
            } catch {
                #expect(error.description.contains("must be 'whsec_' followed by the base64 of 24 to 64 bytes"))
            }
        }
    }

    @Test("RetrySchedule: 1 to 20 delays of at most 7 days, or an error with a short message")
    func retryScheduleAnswers() async {
        await propertyCheck(count: 4_000, input: Self.prefixes, HostileText.generator) { prefix, hostile in
            let text = (prefix ?? "") + hostile
            do throws(RetryScheduleError) {
                let schedule = try RetrySchedule(parsing: text)
                #expect((1...RetrySchedule.attemptLimit).contains(schedule.attempts))
                #expect(schedule.delays.allSatisfy { $0 >= .zero && $0 <= RetrySchedule.longestDelay })
            } catch {
                #expect(!error.description.isEmpty && error.description.count < 200)
            }
        }
    }

    @Test("Signature verification answers any header text")
    func verifyAnswers() async throws {
        let secret = try WebhookSecret(parsing: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        await propertyCheck(count: 2_000, input: HostileText.generator, HostileText.generator) { header, body in
            #expect(!WebhookSignature.verify(id: "msg_1", timestamp: 1_000, body: body, header: header, secret: secret, now: 1_000))
        }
    }
}
