import BallastCore
import Foundation
import Testing

@Suite("Envelope")
struct EnvelopeTests {
    static let valid: [String: String] = [
        "id": "0b7c6f9e-3c1e-4e0f-9f57-5b8f3d1d2a10",
        "type": "signal.received",
        "v": "1",
        "ts": "2026-11-23T14:05:00.123Z",
        "data": #"{"symbol":"BTC-USD"}"#,
    ]

    @Test("fields round-trip through the stream layout")
    func roundTrip() throws {
        let envelope = Envelope(
            type: "order.filled",
            version: 2,
            timestamp: Date(timeIntervalSince1970: 1_764_000_000.25),
            data: #"{"qty":"0.5"}"#,
            trace: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        )
        let fields = envelope.fields
        #expect(fields.map(\.0) == ["id", "type", "v", "ts", "data", "trace"])
        #expect(fields[3].1 == "2025-11-24T16:00:00.250Z")
        let parsed = try Envelope(fields: Dictionary(uniqueKeysWithValues: fields))
        #expect(parsed == envelope)
    }

    @Test("a typed payload is encoded as JSON data and decoded back")
    func payload() throws {
        struct Signal: Codable, Equatable {
            var symbol: String
            var quantity: Decimal
        }
        let signal = Signal(symbol: "ETH-USD", quantity: Decimal(string: "1.25")!)
        let envelope = try Envelope(type: "signal.received", payload: signal)
        #expect(envelope.data == #"{"quantity":1.25,"symbol":"ETH-USD"}"#)
        #expect(try envelope.decodePayload(Signal.self) == signal)
    }

    @Test(
        "malformed entries are refused with the field and the reason",
        arguments: [
            ("id", nil, "invalid envelope: field 'id' is missing"),
            ("type", "", "invalid envelope: field 'type' is missing"),
            ("v", "one", "invalid envelope: field 'v' expected a positive integer, got 'one'"),
            ("v", "0", "invalid envelope: field 'v' expected a positive integer, got '0'"),
            ("ts", "yesterday", "invalid envelope: field 'ts' expected an RFC 3339 timestamp, got 'yesterday'"),
            ("data", "{not json", "invalid envelope: field 'data' not valid JSON"),
        ] as [(String, String?, String)]
    )
    func malformed(field: String, value: String?, message: String) {
        var fields = Self.valid
        fields[field] = value
        #expect(throws: (any Error).self) { try Envelope(fields: fields) }
        do {
            _ = try Envelope(fields: fields)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("the dead-letter stream sits next to its stream")
    func deadLetterName() {
        #expect(StreamName.deadLetter(of: StreamName.signals) == "ballast:signals:dlq")
    }
}
