/// A JSON document parsed without losing precision: numbers keep their exact text, so amounts are
/// turned into `Decimal` from the digits the client sent, never through binary floating point.
public enum JSONValue: Sendable, Equatable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    /// The number exactly as written (`"0.10"`, `"1e-8"`).
    case number(String)
    case bool(Bool)
    case null

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let a), .array(let b)): a == b
        case (.string(let a), .string(let b)), (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        default: false
        }
    }

    /// Parses UTF-8 JSON text; the error gives the byte offset and what was expected there.
    public init(parsing bytes: some Collection<UInt8>) throws(JSONParseError) {
        var parser = Parser(bytes: Array(bytes))
        self = try parser.parseDocument()
    }

    /// The value under `key` when this is an object (the last one if a key repeats).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// Compact JSON text; numbers are written exactly as they were read.
    public var serialized: String {
        var text = ""
        write(to: &text)
        return text
    }

    /// Appends the compact JSON text to `text` (one buffer for the whole document).
    public func write(to text: inout String) {
        switch self {
        case .object(let members):
            text += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { text += "," }
                Self.writeQuoted(member.key, to: &text)
                text += ":"
                member.value.write(to: &text)
            }
            text += "}"
        case .array(let values):
            text += "["
            for (index, value) in values.enumerated() {
                if index > 0 { text += "," }
                value.write(to: &text)
            }
            text += "]"
        case .string(let string): Self.writeQuoted(string, to: &text)
        case .number(let number): text += number
        case .bool(let value): text += value ? "true" : "false"
        case .null: text += "null"
        }
    }

    /// `text` as a JSON string literal, quotes included.
    public static func quoted(_ text: String) -> String {
        var result = ""
        writeQuoted(text, to: &result)
        return result
    }

    /// Appends `string` as a JSON string literal, quotes included.
    public static func writeQuoted(_ string: String, to text: inout String) {
        text += "\""
        // Most strings need no escape: append them whole.
        guard string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            text += string
            text += "\""
            return
        }
        // Otherwise escape byte by byte into one buffer, because an event's data (JSON in JSON) escapes every quote
        // and appending scalar by scalar costs far more (docs/performance.md). Escaped bytes are ASCII, so every
        // other byte is copied as it is.
        var escaped: [UInt8] = []
        escaped.reserveCapacity(string.utf8.count + 32)
        for byte in string.utf8 {
            let short: UInt8? =
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): byte
                case UInt8(ascii: "\n"): UInt8(ascii: "n")
                case UInt8(ascii: "\r"): UInt8(ascii: "r")
                case UInt8(ascii: "\t"): UInt8(ascii: "t")
                default: nil
                }
            if let short {
                escaped.append(UInt8(ascii: "\\"))
                escaped.append(short)
            } else if byte < 0x20 {
                let hex = Array(String(byte, radix: 16).utf8)
                escaped += Array("\\u".utf8) + Array(repeating: UInt8(ascii: "0"), count: 4 - hex.count) + hex
            } else {
                escaped.append(byte)
            }
        }
        text += String(decoding: escaped, as: UTF8.self)
        text += "\""
    }
}

public struct JSONParseError: Error, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

private struct Parser {
    let bytes: [UInt8]
    var index = 0
    /// Deeply nested input is refused rather than allowed to exhaust the stack.
    var depth = 0
    static let maximumDepth = 64

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected data after the JSON value") }
        return value
    }

    private func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw fail("expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: String) throws(JSONParseError) {
        let utf8 = Array(literal.utf8)
        guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 else {
            throw fail("expected \(literal)")
        }
        index += utf8.count
    }

    private mutating func nested<T>(_ body: (inout Parser) throws(JSONParseError) -> T) throws(JSONParseError) -> T {
        depth += 1
        guard depth <= Self.maximumDepth else { throw fail("nested deeper than \(Self.maximumDepth) levels") }
        defer { depth -= 1 }
        return try body(&self)
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try nested { (parser: inout Parser) throws(JSONParseError) -> JSONValue in
            parser.index += 1
            var members: [(key: String, value: JSONValue)] = []
            parser.skipWhitespace()
            if parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "}") {
                parser.index += 1
                return .object(members)
            }
            while true {
                parser.skipWhitespace()
                guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") else {
                    throw parser.fail("expected a member name in quotes")
                }
                let key = try parser.parseString()
                parser.skipWhitespace()
                guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: ":") else {
                    throw parser.fail("expected ':' after a member name")
                }
                parser.index += 1
                members.append((key, try parser.parseValue()))
                parser.skipWhitespace()
                guard parser.index < parser.bytes.count else { throw parser.fail("unterminated object") }
                if parser.bytes[parser.index] == UInt8(ascii: ",") {
                    parser.index += 1
                } else if parser.bytes[parser.index] == UInt8(ascii: "}") {
                    parser.index += 1
                    return .object(members)
                } else {
                    throw parser.fail("expected ',' or '}'")
                }
            }
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try nested { (parser: inout Parser) throws(JSONParseError) -> JSONValue in
            parser.index += 1
            var values: [JSONValue] = []
            parser.skipWhitespace()
            if parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "]") {
                parser.index += 1
                return .array(values)
            }
            while true {
                values.append(try parser.parseValue())
                parser.skipWhitespace()
                guard parser.index < parser.bytes.count else { throw parser.fail("unterminated array") }
                if parser.bytes[parser.index] == UInt8(ascii: ",") {
                    parser.index += 1
                } else if parser.bytes[parser.index] == UInt8(ascii: "]") {
                    parser.index += 1
                    return .array(values)
                } else {
                    throw parser.fail("expected ',' or ']'")
                }
            }
        }
    }

    private mutating func parseNumber() throws(JSONParseError) -> String {
        let start = index
        func digits(_ parser: inout Parser) -> Int {
            let from = parser.index
            while parser.index < parser.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index]) {
                parser.index += 1
            }
            return parser.index - from
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerDigits = digits(&self)
        guard integerDigits > 0 else { throw fail("expected digits") }
        if integerDigits > 1 && bytes[start + (bytes[start] == UInt8(ascii: "-") ? 1 : 0)] == UInt8(ascii: "0") {
            throw fail("leading zeros are not allowed")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits(&self) > 0 else { throw fail("expected digits after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { throw fail("expected exponent digits") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        // Most strings have no escape: one scan, one String made from the bytes.
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 {
            index += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
            index += 1
            return String(decoding: bytes[start..<index - 1], as: UTF8.self)
        }
        index = start
        var scalars = String.UnicodeScalarView()
        var chunkStart = index
        func flush(_ parser: Parser, upTo end: Int) {
            scalars.append(contentsOf: String(decoding: parser.bytes[chunkStart..<end], as: UTF8.self).unicodeScalars)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                flush(self, upTo: index)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { throw fail("control character in a string") }
            if byte == UInt8(ascii: "\\") {
                flush(self, upTo: index)
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try parseHex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw fail("unpaired surrogate")
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
                    scalars.append(scalar)
                default:
                    throw fail("invalid escape")
                }
                chunkStart = index
                continue
            }
            index += 1
        }
        throw fail("unterminated string")
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        // Digit by digit: `UInt32(_:radix:)` would also take a sign (`\u+041`).
        guard index + 4 <= bytes.count else { throw fail("expected 4 hex digits") }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("expected 4 hex digits")
            }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }
}
