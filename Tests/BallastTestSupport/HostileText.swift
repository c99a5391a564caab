import PropertyBased

/// Text as an outsider may send it: often a form that has broken parsers before (separators only, signs,
/// huge and non-finite numbers, control and combining characters, very long runs), otherwise random
/// characters, random structure characters, or a hostile form wrapped in random text.
public enum HostileText {
    public static let forms: [String] = [
        "", " ", "\t", ":", "::", "a:", ":b", ",", ",,,", "_", "__", "-", "+", ".", "..", "e", "E", "-0", "+0", "0", "00",
        "-0.0", "0.", ".5", "1.", "NaN", "nan", "-NaN", "Infinity", "-Infinity", "inf", "1e999999", "-1e999999", "1e-999999",
        "1e64", "1e65", "1e-64", "1e-65", "1E+2", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "18446744073709551616", "99999999999999999999999999999999999999999", "0x1F", "1_000", "1,5",
        "1 000", "١٢٣", "½", "\u{0}", "\u{1}", "\u{7F}", "\r\n", "\u{FEFF}", "\u{202E}", "\u{200B}", "\u{3000}", "e\u{301}",
        "\u{1F3F3}\u{FE0F}\u{200D}\u{1F308}", "\u{FFFD}", "\u{10FFFF}", "null", "true", "[]", "{}", "\"", "\\", "%00", "%",
        "'; DROP TABLE signals; --", "0000-01-01T00:00:00+14:00", "99999-01-01T00:00:00Z", "2026-02-30T00:00:00.000Z",
        "9999-12-31T23:59:59.999Z", "0001-01-01T00:00:00.000Z", "0000-01-01T00:00:00.000Z", "2026-13-01T00:00:00Z",
        String(repeating: "9", count: 400), String(repeating: "0", count: 100) + "1", String(repeating: ":", count: 300),
        String(repeating: "a", count: 5_000), String(repeating: "\u{301}", count: 500),
    ]

    /// Characters that mean something to the parsers here.
    public static let structure = Array("0123456789.:,-+eE_ /\\\"{}[]aZz\t\n\u{0}")

    public static var generator: Generator<String, Shrink.None<String>> {
        Generator { rng in
            func random(count: Int) -> String {
                var scalars = String.UnicodeScalarView()
                for _ in 0..<count {
                    if Bool.random(using: &rng), let element = structure.randomElement(using: &rng) {
                        scalars.append(contentsOf: element.unicodeScalars)
                    } else if let scalar = Unicode.Scalar(UInt32.random(in: 0...0x10FFFF, using: &rng)) {
                        scalars.append(scalar)
                    }
                }
                return String(scalars)
            }
            let form = forms.randomElement(using: &rng) ?? ""
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<4: return form
            case 4..<7: return random(count: Int.random(in: 0...24, using: &rng))
            case 7..<9: return random(count: Int.random(in: 0...3, using: &rng)) + form + random(count: Int.random(in: 0...3, using: &rng))
            default: return form + form
            }
        }
    }
}
