import Foundation
import PropertyBased
import Testing

@testable import BallastTrading

/// `ballast account create --taker-fee-bps ...`: the fee and slippage settings an operator types.
@Suite("Basis point settings")
struct BasisPointsTests {
    @Test("plain decimals from 0 to 1000 are read exactly", arguments: [("0", "0"), ("7.5", "7.5"), ("1000", "1000"), ("0.001", "0.001")])
    func accepted(text: String, value: String) {
        #expect(ExecutionPricing.basisPoints(text) == Decimal(string: value))
    }

    @Test("anything else is refused", arguments: ["", ".", "-1", "+1", "1000.01", "1e2", "NaN", "١", "½", "1,5", " 5", "5 ", "..5"])
    func refused(text: String) {
        #expect(ExecutionPricing.basisPoints(text) == nil)
    }

    @Test("generated text: nil, or a value from 0 to 1000 written with digits and a point only")
    func generatedAnswers() async {
        let characters = Gen<Character?>.element(of: Array("0123456789..-+eE ,١½\u{0}a")).compactMap { $0 }
        await propertyCheck(count: 3_000, input: characters.string(of: 0...12)) { text in
            guard let value = ExecutionPricing.basisPoints(text) else { return }
            #expect(value >= 0 && value <= 1_000)
            #expect(text.utf8.allSatisfy { (48...57).contains($0) || $0 == UInt8(ascii: ".") })
        }
    }
}
