import BallastCore
import Testing

@Suite("Trimming edge whitespace")
struct EdgeWhitespaceTests {
    @Test(
        "spaces, tabs and other Unicode spaces go from both ends; line breaks and inner spaces stay",
        arguments: [
            ("BTC-USD", "BTC-USD"),
            (" BTC-USD ", "BTC-USD"),
            ("\t 0.5\t", "0.5"),
            ("\u{00A0}7\u{3000}", "7"),
            ("a b", "a b"),
            ("   ", ""),
            ("", ""),
            ("é ", "é"),
            ("\nBTC\r\n", "\nBTC\r\n"),
        ]
    )
    func trims(text: String, expected: String) {
        #expect(text.trimmingEdgeWhitespace() == expected)
    }
}
