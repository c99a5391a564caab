import BallastCore
import Testing

@Suite("Exact JSON")
struct JSONValueTests {
    @Test("numbers keep their exact digits; strings, escapes and nesting parse")
    func parse() throws {
        let text =
            #"{"price":97000.123456789012345678,"qty":"0.10","tiny":1e-8,"ok":true,"none":null,"tags":["a\"b","\u00e9\ud83d\ude00"],"n":{"x":-0.5}}"#
        let value = try JSONValue(parsing: Array(text.utf8))
        #expect(value["price"] == .number("97000.123456789012345678"))
        #expect(value["qty"] == .string("0.10"))
        #expect(value["tiny"] == .number("1e-8"))
        #expect(value["ok"] == .bool(true))
        #expect(value["none"] == .null)
        #expect(value["tags"] == .array([.string("a\"b"), .string("é😀")]))
        #expect(value["n"]?["x"] == .number("-0.5"))
        #expect(
            value.serialized
                == #"{"price":97000.123456789012345678,"qty":"0.10","tiny":1e-8,"ok":true,"none":null,"tags":["a\"b","é😀"],"n":{"x":-0.5}}"#
        )
    }

    @Test("strings without escapes, with UTF-8 and with escapes after plain text, read back exactly")
    func strings() throws {
        let value = try JSONValue(parsing: Array(#"{"plain":"BTC-USD","utf8":"Zürich ✓","mixed":"tab\there \"quoted\""}"#.utf8))
        #expect(value["plain"] == .string("BTC-USD"))
        #expect(value["utf8"] == .string("Zürich ✓"))
        #expect(value["mixed"] == .string("tab\there \"quoted\""))
    }

    @Test(
        "malformed documents are refused with the offset",
        arguments: [
            ("", 0), ("{", 1), (#"{"a":}"#, 5), (#"{"a":1,}"#, 7), ("[1 2]", 3), ("01", 2),
            (#""abc"#, 4), ("tru", 0), ("{} x", 3), ("1.", 2), (#"{"a":"\x"}"#, 8), ("\"a\u{01}b\"", 2),
        ]
    )
    func malformed(text: String, offset: Int) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: Array(text.utf8)) }
        do {
            _ = try JSONValue(parsing: Array(text.utf8))
        } catch {
            #expect(error.offset == offset, "\(error)")
        }
    }

    @Test("nesting beyond 64 levels is refused instead of exhausting the stack")
    func depth() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: Array(deep.utf8)) }
    }

    @Test(
        "a quoted string reads back as itself: quotes, backslashes, control characters, combining marks and emoji",
        arguments: [
            "plain", #"{"data":{"price":"1.5","note":"a \"b\""}}"#, "\"\u{301}accent on a quote", "tab\tnew\nline\r\u{1}\u{1f}end",
            "Zürich ✓ 😀\\", "",
        ])
    func quotedRoundTrip(_ text: String) throws {
        let quoted = JSONValue.quoted(text)
        #expect(try JSONValue(parsing: Array(quoted.utf8)) == .string(text))
        #expect(!quoted.utf8.dropFirst().dropLast().contains { $0 < 0x20 })
    }
}
