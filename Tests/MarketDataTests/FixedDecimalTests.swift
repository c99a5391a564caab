import BallastMarket
import Foundation
import Testing

@Suite("Fixed decimals")
struct FixedDecimalTests {
    @Test(
        "valid text parses to exact units and prints back trimmed",
        arguments: [
            ("97000.5", 9_700_050_000_000, "97000.5"),
            ("0.00000001", 1, "0.00000001"),
            ("12", 1_200_000_000, "12"),
            ("12.00000000", 1_200_000_000, "12"),
            ("1.000000000", 100_000_000, "1"),
            ("0.10000000000000", 10_000_000, "0.1"),
            ("-3.25", -325_000_000, "-3.25"),
            ("-0", 0, "0"),
            ("0", 0, "0"),
            ("007.50", 750_000_000, "7.5"),
            ("1.23456789", 123_456_789, "1.23456789"),
            ("92233720368.54775807", Int64.max, "92233720368.54775807"),
            ("-92233720368.54775808", Int64.min, "-92233720368.54775808"),
        ] as [(String, Int64, String)]
    )
    func valid(text: String, units: Int64, printed: String) throws {
        let value = try #require(FixedDecimal(text))
        #expect(value.units == units)
        #expect(value.description == printed)
        #expect(FixedDecimal(Substring(text)) == value)
    }

    @Test(
        "anything else is refused, never rounded",
        arguments: [
            "", "-", "1.", ".5", "-.5", "+1", "1.123456789", "0.000000001", "0.0000000010", "1e-8", "1E8", " 1", "1 ", "1,5",
            "1.2.3", "0x10", "abc", "--1", "1-", "92233720368.54775808", "-92233720368.54775809", "100000000000",
            "99999999999999999999999",
        ]
    )
    func refused(text: String) {
        #expect(FixedDecimal(text) == nil)
    }

    @Test("isPositive, ordering and JSON as a string")
    func positivityOrderingAndJSON() throws {
        #expect(decimal("0.00000001").isPositive)
        #expect(!decimal("0").isPositive)
        #expect(!decimal("-1").isPositive)
        #expect(decimal("-1") < decimal("0.00000001"))
        #expect(decimal("99.99999999") < decimal("100"))
        let json = try JSONEncoder().encode([decimal("97000.5")])
        #expect(String(decoding: json, as: UTF8.self) == #"["97000.5"]"#)
        #expect(try JSONDecoder().decode([FixedDecimal].self, from: Data(#"["0.10"]"#.utf8)) == [decimal("0.1")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([FixedDecimal].self, from: Data("[0.1]".utf8)) }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([FixedDecimal].self, from: Data(#"["0.123456789"]"#.utf8))
        }
    }
}

@Suite("Wide decimals")
struct WideDecimalTests {
    @Test(
        "products are exact to 16 places",
        arguments: [
            ("97000.5", "0.00123456", "119.75293728"),
            ("0.00000001", "0.00000001", "0.0000000000000001"),
            ("92233720368.54775807", "92233720368.54775807", "8507059173023461584739.6907784232501249"),
            ("-2.5", "4", "-10"),
            ("123.45678901", "98765.43210987", "12193263.1134696997285287"),
        ]
    )
    func products(a: String, b: String, expected: String) throws {
        let product = WideDecimal.product(decimal(a), decimal(b))
        #expect(product.description == (try #require(WideDecimal(expected))).description)
        #expect(Decimal(string: product.description) == Decimal(string: a)! * Decimal(string: b)!)
    }

    @Test("sums scale fixed decimals up exactly, and print trimmed")
    func sums() {
        let sum = WideDecimal(decimal("0.1")) + WideDecimal(decimal("0.2")) + .product(decimal("0.00000001"), decimal("0.5"))
        #expect(sum.description == "0.300000005")
        #expect(sum.units == 3_000_000_050_000_000)
        #expect((sum - sum).description == "0")
        #expect(WideDecimal(decimal("12")).units == 120_000_000_000_000_000)
        #expect(FixedDecimal(exactly: WideDecimal(decimal("97000.5"))) == decimal("97000.5"))
        #expect(FixedDecimal(exactly: .product(decimal("0.00000001"), decimal("0.5"))) == nil)
    }

    @Test(
        "parsing takes up to 16 places",
        arguments: [
            ("0.0000000000000001", "0.0000000000000001"), ("-1940000.25", "-1940000.25"), ("5", "5"),
            ("0.00000000000000010", "0.0000000000000001"),
        ]
    )
    func parsing(text: String, printed: String) {
        #expect(WideDecimal(text)?.description == printed)
    }

    @Test("parsing refuses a 17th place and the malformed", arguments: ["0.00000000000000001", "1.", ".5", "1e3", ""])
    func parsingRefused(text: String) {
        #expect(WideDecimal(text) == nil)
    }

    /// Quotients round to 8 places, half away from zero.
    @Test(
        "quotients round to 8 places, half away from zero",
        arguments: [
            ("5", "3", "1.66666667"),
            ("2", "3", "0.66666667"),
            ("1", "3", "0.33333333"),
            ("-1", "3", "-0.33333333"),
            ("1", "-3", "-0.33333333"),
            ("-2", "-3", "0.66666667"),
            ("0.000001", "8", "0.00000013"),
            ("-0.000001", "8", "-0.00000013"),
            ("0.000001", "16", "0.00000006"),
            ("0.00000002", "4", "0.00000001"),
            ("100", "7", "14.28571429"),
            ("1940000.25", "20", "97000.0125"),
            ("0", "3", "0"),
            ("0.0000000000000001", "1", "0"),
        ]
    )
    func quotients(numerator: String, denominator: String, expected: String) throws {
        let quotient = try #require(WideDecimal(numerator)!.divided(by: WideDecimal(denominator)!))
        #expect(quotient.description == expected)
    }

    @Test("division by zero and quotients beyond the range give nil")
    func divisionLimits() {
        #expect(WideDecimal(decimal("1")).divided(by: .zero) == nil)
        let huge = WideDecimal.product(decimal("92233720368.54775807"), decimal("92233720368.54775807"))
        #expect(huge.divided(by: WideDecimal("0.0000000000000001")!) == nil)
        #expect(huge.divided(by: huge)?.description == "1")
    }
}
