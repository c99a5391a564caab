import BallastChains
import Testing

@Suite("Chain kinds")
struct ChainKindTests {
    @Test("the kinds a deposit chain can be configured with are read from their names")
    func kinds() {
        #expect(ChainKind(rawValue: "bitcoin") == .bitcoin)
        #expect(ChainKind(rawValue: "ethereum") == .ethereum)
        #expect(ChainKind(rawValue: "solana") == nil)
    }
}
