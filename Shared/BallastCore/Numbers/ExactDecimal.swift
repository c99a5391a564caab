import Foundation

/// Decimal numbers from text, exactly: no binary floating point on the way, no locale, no trailing garbage.
public enum ExactDecimal {
    /// Parses `-12.345`, `1e-8`, `0.10`; nil for anything else, including `NaN`, `1,5`, `12abc`, more than
    /// 38 significant digits (Decimal would round them) and exponents beyond ±64.
    public static func parse(_ text: String) -> Decimal? {
        var sawDigit = false
        var significantDigits = 0
        var index = text.startIndex
        func skipDigits() {
            while index < text.endIndex, text[index].isASCII, text[index].isNumber {
                if significantDigits > 0 || text[index] != "0" { significantDigits += 1 }
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
            while index < text.endIndex, text[index].isASCII, text[index].isNumber { index = text.index(after: index) }
            guard index > beforeExponent, let exponent = Int(text[beforeExponent..<index]), (-64...64).contains(exponent) else {
                return nil
            }
        }
        guard index == text.endIndex, text.count <= 80, significantDigits <= 38 else { return nil }
        return Decimal(string: text, locale: posix)
    }

    private static let posix = Locale(identifier: "en_US_POSIX")
}
