import BallastCore
import Foundation
import Testing

@testable import Ingest

@Suite("The webhook's hand-written answer")
struct WebhookResponseTests {
    static let id = UUID(uuidString: "0B0E1C4A-5F57-4C5E-9A0B-6C1D2E3F4A5B")!

    @Test("an accept carries id, signal_id (the same), status and request_id, as valid JSON")
    func accepted() throws {
        let response = WebhookResponse(code: .created, id: Self.id, status: "accepted", requestID: "req-1")
        #expect(
            response.json
                == #"{"id":"0B0E1C4A-5F57-4C5E-9A0B-6C1D2E3F4A5B","request_id":"req-1","#
                + #""signal_id":"0B0E1C4A-5F57-4C5E-9A0B-6C1D2E3F4A5B","status":"accepted"}"#
        )
        let json = try JSONValue(parsing: Array(response.json.utf8))
        #expect(json["signal_id"] == json["id"])
    }

    @Test("a request id sent by the client is escaped, whatever it holds")
    func escapedRequestID() throws {
        let requestID = "a\"b\\c\u{1}\n</script>ü"
        let response = WebhookResponse(code: .ok, id: Self.id, status: "duplicate", requestID: requestID)
        let json = try JSONValue(parsing: Array(response.json.utf8))
        #expect(json["request_id"] == .string(requestID))
        #expect(json["status"] == .string("duplicate"))
    }

    @Test("the connectivity check carries status, message and an RFC 3339 timestamp")
    func test() throws {
        let now = Date(timeIntervalSince1970: 1_770_292_800.25)
        let response = WebhookResponse(code: .ok, status: "ok", message: "webhook endpoint is reachable", timestamp: now)
        #expect(response.json == #"{"message":"webhook endpoint is reachable","status":"ok","timestamp":"2026-02-05T12:00:00.250Z"}"#)
        let json = try JSONValue(parsing: Array(response.json.utf8))
        guard case .string(let timestamp)? = json["timestamp"] else {
            Issue.record("no timestamp in \(response.json)")
            return
        }
        #expect(RFC3339.date(from: timestamp) == now)
    }
}
