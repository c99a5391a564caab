import Foundation

/// Decimal numbers from text, exactly: no `Double` on the way, no locale, no trailing garbage.
public enum ExactDecimal {
    /// Parses `-12.345`, `1e-8`, `0.10`; nil for anything else, including `NaN`, `1,5` and `12abc`.
    public static func parse(_ text: String) -> Decimal? {
        var sawDigit = false
        var index = text.startIndex
        func skipDigits() {
            while index < text.endIndex, text[index].isASCII, text[index].isNumber {
                sawDigit = true
                index = text.index(after: index)
            }
        }
        if index < text.endIndex, text[index] == "-" || text[index] == "+" { index = text.index(after: index) }
        skipDigits()
        if index < text.endIndex, text[index] == "." {
            index = text.index(after: index)
            skipDigits()
        }
        guard sawDigit else { return nil }
        if index < text.endIndex, text[index] == "e" || text[index] == "E" {
            index = text.index(after: index)
            if index < text.endIndex, text[index] == "-" || text[index] == "+" { index = text.index(after: index) }
            let beforeExponent = index
            skipDigits()
            guard index > beforeExponent else { return nil }
        }
        guard index == text.endIndex, text.count <= 64 else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}
