import BallastCore
import Testing

@Suite("Settings from the environment")
struct EnvironmentReaderTests {
    enum Color: String, CaseIterable { case red, green }

    @Test("defaults apply to unset and empty variables")
    func defaults() throws {
        let reader = EnvironmentReader(["EMPTY": "  "])
        #expect(try reader.port("UNSET", default: 9101) == 9101)
        #expect(try reader.port("EMPTY", default: 9101) == 9101)
        #expect(try reader.boolean("UNSET", default: true))
        #expect(reader.string("EMPTY", default: "x") == "x")
    }

    @Test("values are parsed")
    func parsed() throws {
        let reader = EnvironmentReader(["P": "8080", "B": "Yes", "C": "GREEN", "M": "250"])
        #expect(try reader.port("P", default: 1) == 8080)
        #expect(try reader.boolean("B", default: false))
        #expect(try reader.choice("C", default: Color.red) == .green)
        #expect(try reader.milliseconds("M", default: .seconds(1)) == .milliseconds(250))
    }

    @Test(
        "bad values name the variable and what was expected",
        arguments: [
            ("P", "0", "expected a TCP port in 1...65535, got '0'"),
            ("P", "http", "expected a TCP port in 1...65535, got 'http'"),
            ("B", "maybe", "expected 1/0, true/false, yes/no or on/off, got 'maybe'"),
            ("C", "blue", "expected one of red, green, got 'blue'"),
            ("N", "-3", "expected an integer in 1...10, got '-3'"),
        ]
    )
    func bad(variable: String, value: String, reason: String) {
        let reader = EnvironmentReader([variable: value])
        #expect(throws: ConfigurationError(variable: variable, reason: reason)) {
            switch variable {
            case "P": _ = try reader.port(variable, default: 1)
            case "B": _ = try reader.boolean(variable, default: false)
            case "C": _ = try reader.choice(variable, default: Color.red)
            default: _ = try reader.integer(variable, default: 1, range: 1...10)
            }
        }
    }
}
