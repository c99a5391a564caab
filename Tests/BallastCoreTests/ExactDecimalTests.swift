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
