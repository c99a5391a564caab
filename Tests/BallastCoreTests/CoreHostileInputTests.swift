import BallastTestSupport
import Foundation
import PropertyBased
import Testing

@testable import BallastCore

/// Every reader of outside input in BallastCore, fed thousands of random and hostile values: each one
/// answers with a value or a typed error naming what was wrong, and never traps.
@Suite("BallastCore readers answer hostile input")
struct CoreHostileInputTests {
    // MARK: JSON bytes

    /// A random JSON value, `depth` levels deep at most.
    static func randomJSON(depth: Int, using rng: inout some RandomNumberGenerator) -> JSONValue {
        let text = HostileText.forms.randomElement(using: &rng) ?? ""
        switch Int.random(in: 0..<(depth > 0 ? 8 : 5), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .number(["0", "-0", "1e999999", "-12.5E-3", "9223372036854775808", "0.1"].randomElement(using: &rng) ?? "0")
        case 3, 4: return .string(text)
        case 5, 6:
            return .object(
                (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                    (key: HostileText.forms.randomElement(using: &rng) ?? "", value: randomJSON(depth: depth - 1, using: &rng))
                }
            )
        default: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in randomJSON(depth: depth - 1, using: &rng) })
        }
    }

    /// JSON text as bytes, then sometimes damaged: bytes replaced, dropped or inserted (invalid UTF-8 among
    /// them), or cut short; or nesting far past the limit; or plain random bytes.
    static let jsonBytes = Generator<(original: JSONValue?, bytes: [UInt8]), Shrink.None<(original: JSONValue?, bytes: [UInt8])>> {
        rng in
        switch Int.random(in: 0..<10, using: &rng) {
        case 0:
            let depth = Int.random(in: 60...5_000, using: &rng)
            let open = Bool.random(using: &rng) ? "[" : #"{"a":"#
            return (nil, Array((String(repeating: open, count: depth) + "1").utf8))
        case 1:
            return (nil, (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        default:
            let value = randomJSON(depth: 4, using: &rng)
            var bytes = Array(value.serialized.utf8)
            guard Bool.random(using: &rng) else { return (value, bytes) }
            let hostileBytes: [UInt8] = [0xFF, 0xC0, 0x80, 0xED, 0xA0, 0x00, 0x22, 0x5C, 0x2C, 0x3A, 0x5B, 0x7B, 0x7D, 0x5D, 0x75, 0x2B]
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let index = Int.random(in: 0...bytes.count, using: &rng)
                let byte = hostileBytes.randomElement(using: &rng) ?? 0
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes.insert(byte, at: index)
                case 1 where index < bytes.count: bytes[index] = byte
                case 2 where index < bytes.count: bytes.remove(at: index)
                default: bytes = Array(bytes.prefix(index))
                }
            }
            return (nil, bytes)
        }
    }

    @Test("JSON bytes: a value that writes back to itself, or an error at an offset inside the input")
    func jsonBytesAnswer() async {
        await propertyCheck(count: 4_000, input: Self.jsonBytes) { input in
            do {
                let value = try JSONValue(parsing: input.bytes)
                if let original = input.original { #expect(value == original) }
                #expect(try JSONValue(parsing: Array(value.serialized.utf8)) == value)
            } catch let error as JSONParseError {
                #expect(input.original == nil, "valid JSON refused: \(error)")
                #expect((0...input.bytes.count).contains(error.offset))
                #expect(!error.reason.isEmpty)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test(
        "JSON: nesting past the limit, lone surrogates and signed \\u escapes are errors",
        arguments: [
            String(repeating: "[", count: 100_000), #""\uD800""#, #""\uDC00""#, #""\uD800\u0041""#, #""\u+041""#, #""\u-041""#,
            #""\u 041""#, "\"\\", "-", "01", "1.", "1e", "nul", "{\"a\"1}", "[1,]", "\u{FEFF}{}",
        ])
    func jsonRefusals(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: Array(text.utf8)) }
    }

    // MARK: Numbers and times

    @Test("ExactDecimal: nil, or the finite number the digits say")
    func exactDecimalAnswers() async {
        await propertyCheck(count: 4_000, input: HostileText.generator) { text in
            guard let value = ExactDecimal.parse(text) else { return }
            #expect(!value.isNaN)
            #expect(text.utf8.allSatisfy { (48...57).contains($0) || "+-.eE".utf8.contains($0) })
            #expect(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) == value)
        }
    }

    @Test("ExactDecimal: every plain decimal of up to 38 digits and exponent within ±64 reads exactly")
    func exactDecimalReadsDecimals() async {
        let digits = Gen.number.string(of: 1...19)
        await propertyCheck(count: 2_000, input: digits, digits, Gen.int(in: -64...64), Gen.bool) { whole, fraction, exponent, negative in
            let text = "\(negative ? "-" : "")\(whole).\(fraction)e\(exponent)"
            #expect(ExactDecimal.parse(text) == Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
        }
    }

    @Test("RFC 3339: nil, or an instant in years 1 to 9999 that writes and reads back to the millisecond")
    func rfc3339Answers() async {
        await propertyCheck(count: 3_000, input: HostileText.generator) { text in
            guard let date = RFC3339.date(from: text) else { return }
            #expect(RFC3339.supportedMilliseconds.contains(date.epochMilliseconds))
            #expect(RFC3339.date(from: RFC3339.string(from: date))?.epochMilliseconds == date.epochMilliseconds)
        }
    }

    @Test("RFC 3339: every millisecond of years 1 to 9999 writes and reads back exactly; any Date writes")
    func rfc3339RoundTrip() async {
        let range = RFC3339.supportedMilliseconds
        await propertyCheck(count: 3_000, input: Gen.int64(in: range), Gen.double(in: -1e300...1e300)) { milliseconds, seconds in
            let text = RFC3339.string(from: Date(epochMilliseconds: milliseconds))
            #expect(RFC3339.date(from: text)?.epochMilliseconds == milliseconds)
            for date in [Date(timeIntervalSince1970: seconds), Date(timeIntervalSince1970: .nan), .distantFuture, .distantPast] {
                #expect(RFC3339.string(from: date).utf8.count == 24)
            }
        }
    }

    @Test(
        "RFC 3339: instants outside years 1 to 9999 are refused",
        arguments: [
            "0000-01-01T00:00:00+14:00", "0000-12-31T23:59:59.999Z", "99999-01-01T00:00:00Z", "10000-01-01T00:00:00Z",
            "9999-12-31T23:59:59-14:00",
        ])
    func rfc3339OutOfRange(text: String) {
        #expect(RFC3339.date(from: text) == nil)
    }

    // MARK: Stream messages

    static let envelopeFields = Generator<[String: String], Shrink.None<[String: String]>> { rng in
        let valid = [
            EnvelopeField.id: "7d1c9e0c-4b0e-4c4e-9d36-5d3f3c2f1a10", EnvelopeField.type: "signal.received", EnvelopeField.version: "1",
            EnvelopeField.timestamp: "2026-11-25T10:00:00.123Z", EnvelopeField.data: #"{"a":1}"#, EnvelopeField.trace: "t",
        ]
        var fields: [String: String] = [:]
        for (name, value) in valid {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: continue
            case 1, 2: fields[name] = HostileText.forms.randomElement(using: &rng)
            default: fields[name] = value
            }
        }
        if Bool.random(using: &rng) { fields[HostileText.forms.randomElement(using: &rng) ?? ""] = "x" }
        return fields
    }

    @Test("Envelope fields: an envelope that writes back the same fields, or an error naming a field")
    func envelopeAnswers() async {
        let names = [EnvelopeField.id, EnvelopeField.type, EnvelopeField.version, EnvelopeField.timestamp, EnvelopeField.data]
        await propertyCheck(count: 3_000, input: Self.envelopeFields) { fields in
            do {
                let envelope = try Envelope(fields: fields)
                #expect(envelope.version > 0)
                let written = Dictionary(envelope.fields) { _, last in last }
                let again = try Envelope(fields: written)
                #expect(again.id == envelope.id && again.data == envelope.data && again.trace == envelope.trace)
                #expect(again.timestamp.epochMilliseconds == envelope.timestamp.epochMilliseconds)
            } catch let error as EnvelopeError {
                switch error {
                case .missingField(let name), .invalidField(let name, _): #expect(names.contains(name))
                }
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    /// A signal document with some members removed, or replaced by values of another JSON type.
    static let signalDocuments = Generator<[UInt8], Shrink.None<[UInt8]>> { rng in
        let members: [(String, JSONValue)] = [
            ("id", .string(UUID().uuidString)), ("sourceId", .string(UUID().uuidString)), ("userId", .string(UUID().uuidString)),
            ("symbol", .string("BTC-USD")), ("action", .string("buy")), ("orderType", .string("market")),
            ("quantity", .string("0.5")), ("receivedAt", .string("2026-11-25T10:00:00.123Z")),
            ("timestamp", .string("2026-11-25T10:00:00Z")), ("expiresAt", .string("2026-11-26T10:00:00Z")),
        ]
        var object: [(key: String, value: JSONValue)] = []
        for (key, value) in members {
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: continue
            case 1, 2: object.append((key, .string(HostileText.forms.randomElement(using: &rng) ?? "")))
            case 3: object.append((key, randomJSON(depth: 2, using: &rng)))
            default: object.append((key, value))
            }
        }
        return Array(JSONValue.object(object).serialized.utf8)
    }

    @Test("SignalDocument: a document that encodes and decodes to itself, or a DecodingError")
    func signalDocumentAnswers() async {
        await propertyCheck(count: 3_000, input: Self.signalDocuments) { bytes in
            do {
                let document = try JSONCoding.decoder.decode(SignalDocument.self, from: Data(bytes))
                let again = try JSONCoding.decoder.decode(SignalDocument.self, from: JSONCoding.encoder.encode(document))
                #expect(again.id == document.id && again.symbol == document.symbol)
                #expect(again.receivedAt.epochMilliseconds == document.receivedAt.epochMilliseconds)
            } catch {
                #expect(error is DecodingError)
            }
        }
    }

    // MARK: Environment

    @Test("Environment: a value in range, or an error naming the variable")
    func environmentAnswers() async {
        enum Format: String, CaseIterable { case json, logfmt }
        await propertyCheck(count: 3_000, input: HostileText.generator) { text in
            let reader = EnvironmentReader(["V": text])
            func answer<Value>(_ read: () throws(ConfigurationError) -> Value) -> Value? {
                do {
                    return try read()
                } catch {
                    #expect(error.variable == "V" && error.reason.contains("expected"))
                    return nil
                }
            }
            if let value = answer({ () throws(ConfigurationError) -> Int in try reader.integer("V", default: 5, range: 1...10) }) {
                #expect((1...10).contains(value))
            }
            if let value = answer({ () throws(ConfigurationError) -> Int in try reader.port("V", default: 80) }) {
                #expect((1...65_535).contains(value))
            }
            if let value = answer({ () throws(ConfigurationError) -> Duration in try reader.milliseconds("V", default: .seconds(1)) }) {
                #expect(value > .zero && value <= .seconds(86_400))
            }
            _ = answer { () throws(ConfigurationError) -> Bool in try reader.boolean("V", default: false) }
            _ = answer { () throws(ConfigurationError) -> Format in try reader.choice("V", default: Format.json) }
            #expect(reader.string("V").map { !$0.isEmpty } ?? true)
        }
    }

    /// A URL put together from parts, each of them often hostile.
    static func url(schemes: [String]) -> Generator<(url: String, password: String), Shrink.None<(url: String, password: String)>> {
        Generator { rng in
            func part(_ valid: String) -> String {
                Int.random(in: 0..<3, using: &rng) == 0 ? (HostileText.forms.randomElement(using: &rng) ?? "") : valid
            }
            let password = "pw\(UInt32.random(in: 0...UInt32.max, using: &rng))x"
            let credentials = Bool.random(using: &rng) ? "\(part("user")):\(part(password))@" : ""
            let port = Bool.random(using: &rng) ? ":" + part(String(Int.random(in: -10...70_000, using: &rng))) : ""
            let query = Bool.random(using: &rng) ? "?sslmode=" + part("require") : ""
            let url = "\(part(schemes.randomElement(using: &rng) ?? ""))://\(credentials)\(part("db.example"))\(port)/\(part("3"))\(query)"
            return (url, password)
        }
    }

    @Test("Redis URL: an endpoint with a host and a valid port, or an error naming the variable without the password")
    func redisURLAnswers() async {
        await propertyCheck(count: 2_000, input: Self.url(schemes: ["redis", "rediss"])) { input in
            do {
                let endpoint = try RedisEndpoint(url: input.url, variable: "BALLAST_REDIS_URL")
                #expect(!endpoint.host.isEmpty && (1...65_535).contains(endpoint.port) && endpoint.database >= 0)
                #expect(!endpoint.redacted.contains(input.password))
            } catch let error as ConfigurationError {
                #expect(error.variable == "BALLAST_REDIS_URL")
                #expect(!error.reason.contains(input.password))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("Postgres URL: an endpoint with a host, user, database and valid port, or an error without the password")
    func postgresURLAnswers() async {
        await propertyCheck(count: 2_000, input: Self.url(schemes: ["postgres", "postgresql"])) { input in
            do {
                let endpoint = try PostgresEndpoint(url: input.url, variable: "BALLAST_DATABASE_URL")
                #expect(!endpoint.host.isEmpty && !endpoint.username.isEmpty && !endpoint.database.isEmpty)
                #expect((1...65_535).contains(endpoint.port))
                #expect(!endpoint.redacted.contains(input.password))
            } catch let error as ConfigurationError {
                #expect(error.variable == "BALLAST_DATABASE_URL")
                #expect(!error.reason.contains(input.password))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}
