import BallastVenues
import Testing

@Suite struct KrakenSignerTests {
    /// The example in Kraken's authentication guide: a limit buy of 1.25 XBTUSD at 37,500.
    static let documentedSecret = "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="

    @Test func signsKrakensDocumentedExample() throws {
        let signer = try #require(KrakenSigner(secret: Self.documentedSecret))
        let signature = signer.signature(
            path: "/0/private/AddOrder", nonce: 1_616_492_376_594,
            body: "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25")
        #expect(signature == "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==")
    }

    @Test func theSignatureCoversPathNonceAndBody() throws {
        let signer = try #require(KrakenSigner(secret: Self.documentedSecret))
        let body = "nonce=1&pair=XBTUSD"
        let original = signer.signature(path: "/0/private/AddOrder", nonce: 1, body: body)
        #expect(signer.signature(path: "/0/private/CancelOrder", nonce: 1, body: body) != original)
        #expect(signer.signature(path: "/0/private/AddOrder", nonce: 2, body: body) != original)
        #expect(signer.signature(path: "/0/private/AddOrder", nonce: 1, body: body + "&volume=2") != original)
    }

    @Test(arguments: ["", "not base64!", "   "])
    func aSecretThatIsNotBase64MakesNoSigner(secret: String) {
        #expect(KrakenSigner(secret: secret) == nil)
    }
}
