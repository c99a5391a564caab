import BallastCore
import BallastService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import Testing

/// The seed systems' clients work unchanged (issue 15): their HMAC header, the answer fields they read, and
/// their connectivity check.
@Suite("Webhooks answer the seed systems' clients, over real HTTP")
struct WebhookCompatibilityTests {
    static let signature = HTTPField.Name(WebhookSignature.header)!
    /// The seed's documented payload (`tradingview-signal-pipeline-review.md`, "Send Signal with HMAC Signature"),
    /// verbatim: a direction and no action.
    static let payload = #"{"symbol":"SPY","direction":"long","timeframe":"5m","timestamp":"2026-02-05T12:00:00Z"}"#

    /// The hex digest alone, as `openssl dgst -sha256 -hmac "$SECRET" -hex | cut -d' ' -f2` prints it.
    static func bareHex(_ body: String, secret: String = WebhookTests.secret) -> String {
        String(WebhookSignature.sign(Array(body.utf8), secret: secret).dropFirst("sha256=".count))
    }

    static func object(_ body: String) throws -> JSONValue {
        try JSONValue(parsing: Array(body.utf8))
    }

    @Test("a body signed with the bare hex digest (the seed's client) is accepted, in either case; a wrong one is 401 naming both forms")
    func bareHexSignature() async throws {
        try await WebhookTests.withIngest { client, database, sourceID in
            let accepted = try await WebhookTests.post(
                client, "/webhook/\(sourceID)", Self.payload, contentType: "application/json",
                headers: [Self.signature: Self.bareHex(Self.payload)])
            #expect(accepted.status == .created, "\(accepted.body)")

            let upper = Self.payload.replacingOccurrences(of: "5m", with: "15m")
            let upperCase = try await WebhookTests.post(
                client, "/webhook", upper, contentType: "application/json", headers: [Self.signature: Self.bareHex(upper).uppercased()])
            #expect(upperCase.status == .created, "\(upperCase.body)")

            let other = Self.payload.replacingOccurrences(of: "SPY", with: "QQQ")
            for forged in [Self.bareHex(other, secret: "another-secret-0123456"), Self.bareHex(Self.payload)] {
                let refused = try await WebhookTests.post(
                    client, "/webhook/\(sourceID)", other, contentType: "application/json", headers: [Self.signature: forged])
                #expect(refused.status == .unauthorized)
                #expect(refused.headers[.contentType] == "application/problem+json")
                #expect(refused.body.contains("sha256=") && refused.body.contains("bare hex digest"), "\(refused.body)")
            }
            #expect(try await database.count("SELECT count(*) FROM signals") == 2)
        }
    }

    static let openssl: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        .split(separator: ":").map { "\($0)/openssl" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs the seed's documented command, word for word, with `PAYLOAD` and `HMAC_SECRET` in its environment.
    static func seedSignature(payload: String, secret: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", #"echo -n "$PAYLOAD" | openssl dgst -sha256 -hmac "$HMAC_SECRET" -hex | cut -d' ' -f2"#]
        var environment = ProcessInfo.processInfo.environment
        environment["PAYLOAD"] = payload
        environment["HMAC_SECRET"] = secret
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestSetupError("the seed's openssl command exited \(process.terminationStatus)") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(
        "the seed's literal client (openssl dgst -sha256 -hmac ... -hex | cut) signs a body ingest accepts",
        .enabled(if: openssl != nil, "openssl is not installed, so the seed's literal command cannot run here")
    )
    func seedOpenSSLClient() async throws {
        let header = try Self.seedSignature(payload: Self.payload, secret: WebhookTests.secret)
        #expect(header.count == 64 && header.allSatisfy(\.isHexDigit), "openssl printed '\(header)'")
        try await WebhookTests.withIngest { client, database, sourceID in
            // The seed's curl: POST /webhook, its header names as it writes them.
            let requestID = "seed-hmac-\(UUID().uuidString.lowercased())"
            let accepted = try await WebhookTests.post(
                client, "/webhook", Self.payload, contentType: "application/json",
                headers: [HTTPField.Name("x-webhook-signature")!: header, .requestID: requestID])
            #expect(accepted.status == .created, "\(accepted.body)")
            let json = try Self.object(accepted.body)
            #expect(json["signal_id"] != nil && json["signal_id"] == json["id"])
            #expect(json["request_id"] == .string(requestID))
            // A direction alone: a buy of the long.
            let rows = try await database.query("SELECT symbol, action, direction, timeframe, signal_time FROM signals")
            var stored: [(String, String, String?, String?, Date?)] = []
            for try await row in rows.decode((String, String, String?, String?, Date?).self) { stored.append(row) }
            #expect(stored.count == 1)
            #expect(stored.first?.0 == "SPY" && stored.first?.1 == "buy" && stored.first?.2 == "long" && stored.first?.3 == "5m")
            #expect(stored.first?.4 == RFC3339.date(from: "2026-02-05T12:00:00Z"))
            let wrongSecret = try Self.seedSignature(payload: Self.payload, secret: "another-secret-0123456")
            let refused = try await WebhookTests.post(
                client, "/webhook/\(sourceID)", Self.payload, contentType: "application/json", headers: [Self.signature: wrongSecret])
            #expect(refused.status == .unauthorized)
            #expect(try await database.count("SELECT count(*) FROM signals") == 1)
        }
    }

    @Test("accepted and duplicate answers carry signal_id (the id) and request_id (the X-Request-Id header), next to id and status")
    func answerFields() async throws {
        try await WebhookTests.withIngest { client, _, sourceID in
            let alert = #"{"id":"fields-1","ticker":"BTC-USD","action":"buy","secret":"\#(WebhookTests.secret)"}"#
            let first = try await WebhookTests.post(client, "/webhook/\(sourceID)", alert)
            #expect(first.status == .created, "\(first.body)")
            let accepted = try Self.object(first.body)
            #expect(accepted["status"] == .string("accepted"))
            #expect(accepted["id"] != nil && accepted["signal_id"] == accepted["id"])
            let requestID = try #require(first.headers[.requestID])
            #expect(accepted["request_id"] == .string(requestID))

            // A caller's own request id is the header's and the body's, escaped.
            let own = #"trace "7" \ ü"#
            let again = try await WebhookTests.post(client, "/webhook/\(sourceID)", alert, headers: [.requestID: own])
            #expect(again.status == .ok, "\(again.body)")
            let duplicate = try Self.object(again.body)
            #expect(duplicate["status"] == .string("duplicate"))
            #expect(duplicate["signal_id"] == accepted["id"] && duplicate["id"] == accepted["id"])
            #expect(again.headers[.requestID] == own)
            #expect(duplicate["request_id"] == .string(own))
        }
    }

    @Test("GET /webhook/test answers {status: ok, message, timestamp (RFC 3339, now)} like the seed's")
    func connectivityCheck() async throws {
        try await WebhookTests.withIngest { client, _, _ in
            let before = Date().addingTimeInterval(-1)
            let (status, contentType, body) = try await client.execute(uri: "/webhook/test", method: .get) {
                ($0.status, $0.headers[.contentType], String(buffer: $0.body))
            }
            #expect(status == .ok)
            #expect(contentType?.hasPrefix("application/json") == true)
            let json = try Self.object(body)
            #expect(json["status"] == .string("ok"))
            #expect(json["message"] == .string("webhook endpoint is reachable"))
            guard case .string(let text)? = json["timestamp"], let timestamp = RFC3339.date(from: text) else {
                Issue.record("no RFC 3339 timestamp in \(body)")
                return
            }
            #expect(timestamp >= before && timestamp <= Date().addingTimeInterval(1))
        }
    }
}
