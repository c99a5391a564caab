import BallastCore
import Foundation
import Testing

@Suite("Exact decimals")
struct ExactDecimalTests {
    @Test(
        "valid numbers keep every digit",
        arguments: [
            ("0.10", "0.1"), ("97000.123456789012345678", "97000.123456789012345678"), ("-12.5", "-12.5"),
            ("1e-8", "0.00000001"), ("25", "25"), ("+3", "3"), (".5", "0.5"),
        ]
    )
    func valid(text: String, expected: String) {
        #expect(ExactDecimal.parse(text) == Decimal(string: expected))
    }

    @Test("anything else is refused", arguments: ["", "abc", "1,5", "12abc", "NaN", "1e", "--1", ".", "1.2.3", " 1"])
    func invalid(text: String) {
        #expect(ExactDecimal.parse(text) == nil)
    }
}

@Suite("Exact decimals, limits")
struct ExactDecimalLimitTests {
    @Test("more digits than Decimal holds, or huge exponents, are refused rather than rounded")
    func limits() {
        #expect(ExactDecimal.parse("0.12345678901234567890123456789012345678") != nil)
        #expect(ExactDecimal.parse("0.123456789012345678901234567890123456789") == nil)
        #expect(ExactDecimal.parse("1e400") == nil)
        #expect(ExactDecimal.parse("0.000000001") == Decimal(string: "0.000000001"))
    }
}
